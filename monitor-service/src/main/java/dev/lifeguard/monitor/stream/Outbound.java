package dev.lifeguard.monitor.stream;

/**
 * A record the engine writes, in the same Kafka transaction as the state change that caused it: a verdict, an
 * anomaly, a progress snapshot, the audit entry of an analysis that ended, or a sample dead-lettered by the engine
 * (with its reason).
 */
public record Outbound(Kind kind, String value, String reason) {

    public enum Kind { ANOMALY, VERDICT, PROGRESS, AUDIT, DEAD_SAMPLE }

    public static Outbound of(Kind kind, String value) {
        return new Outbound(kind, value, null);
    }
}
