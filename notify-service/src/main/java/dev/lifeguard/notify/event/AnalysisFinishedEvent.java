package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;

/**
 * monitor-service's {@code lifeguard-analysis.finished}: the verdict on one deployment (one per deployment), its
 * reason and what each metric showed. Only the outcome and the version are required; the rest may be missing.
 * {@code rolloutStep} (0-based) is set for the analysis of one step of a progressive rollout, which is not the
 * deployment's verdict; {@code analysisId} ({@code <deploymentId>#<step>} for a step) may be missing.
 */
public record AnalysisFinishedEvent(CloudEvent cloudEvent, String service, String environment, String deploymentId,
                                    String version, String stableVersion, Outcome outcome, String reason,
                                    String endedBy, Integer samples, String anomalyId, List<MetricVerdict> metrics,
                                    String analysisId, Integer rolloutStep)
        implements NotifiableEvent {

    public AnalysisFinishedEvent {
        metrics = List.copyOf(metrics);
    }

    /** The analysis of one rollout step rather than of the deployment as a whole. */
    public boolean stepAnalysis() {
        return rolloutStep != null || analysisId != null && analysisId.contains("#");
    }

    /** The step as people count it (1-based), or null when it cannot be told. */
    public Integer stepNumber() {
        if (rolloutStep != null) {
            return rolloutStep + 1;
        }
        if (analysisId != null && analysisId.contains("#")) {
            try {
                return Integer.parseInt(analysisId.substring(analysisId.lastIndexOf('#') + 1)) + 1;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A passing step analysis is not news: the next step (or the promotion) that it lets happen is announced anyway,
     * and a canary with two pauses would otherwise say "passed" twice more.
     */
    @Override
    public boolean worthTelling() {
        return !(stepAnalysis() && outcome == Outcome.PASSED);
    }

    /** The metrics that decided the outcome: those whose own verdict is the analysis' verdict. */
    public List<MetricVerdict> decidingMetrics() {
        return metrics.stream().filter(metric -> metric.verdict() == outcome).toList();
    }

    /** Provider errors summed over all metrics. */
    public int providerErrors() {
        return metrics.stream().mapToInt(MetricVerdict::providerErrors).sum();
    }

    public enum Outcome {
        PASSED, FAILED, INCONCLUSIVE;

        /** The contract's spelling ("passed", ...), or null when it is none of them. */
        static Outcome parse(String text) {
            for (Outcome outcome : values()) {
                if (outcome.name().equalsIgnoreCase(text)) {
                    return outcome;
                }
            }
            return null;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One metric's part: its own verdict, the detector that judged it, the statistic it computed (a failed
     * threshold's deciding value, a canary test's p-value...), and the samples that decided it, oldest first.
     */
    public record MetricVerdict(String metric, String detector, Outcome verdict, Double statistic, String reason,
                                List<Double> evidence, int providerErrors) {

        public MetricVerdict {
            evidence = List.copyOf(evidence);
        }
    }
}
