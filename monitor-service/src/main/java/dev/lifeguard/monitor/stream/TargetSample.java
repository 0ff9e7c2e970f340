package dev.lifeguard.monitor.stream;

/**
 * One sample on its way to its target's analysis: a value, or (pull providers) the report that no value could be
 * had, with the provider's error. {@code at} is epoch milliseconds, the record's time when the sender gave none
 * ({@code dated} false: such samples cannot be told from a repeat, so each counts); {@code source} identifies the
 * series, like a Prometheus instance label, and may be null.
 */
public record TargetSample(String version, String metric, Double value, long at, boolean dated, String source,
                           String provider, String query, String error) {

    public boolean isProviderError() {
        return error != null;
    }

    /** The series this sample belongs to: each series is taken in time order, as Prometheus takes it. */
    public String series() {
        return version + '\u0000' + metric + '\u0000' + (source == null ? "" : source);
    }
}
