package dev.lifeguard.monitor.detector;

import java.util.List;

/**
 * A detector's answer for one metric.
 *
 * @param outcome   RUNNING (no decision yet), PASSED, FAILED or INCONCLUSIVE
 * @param statistic the detector's statistic (threshold: the last value; canary: the p-value; cusum: S), or null
 * @param reason    one sentence for humans, e.g. {@code error_rate above 0.05 for 3 consecutive samples}; null while RUNNING
 * @param evidence  the samples that decided it, oldest first (empty while RUNNING)
 */
public record Judgement(Outcome outcome, Double statistic, String reason, List<Observation> evidence) {

    public Judgement {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    public static Judgement running(Double statistic) {
        return new Judgement(Outcome.RUNNING, statistic, null, List.of());
    }

    public static Judgement passed(Double statistic, String reason, List<Observation> evidence) {
        return new Judgement(Outcome.PASSED, statistic, reason, evidence);
    }

    public static Judgement failed(Double statistic, String reason, List<Observation> evidence) {
        return new Judgement(Outcome.FAILED, statistic, reason, evidence);
    }

    public static Judgement inconclusive(Double statistic, String reason) {
        return new Judgement(Outcome.INCONCLUSIVE, statistic, reason, List.of());
    }
}
