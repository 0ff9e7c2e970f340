package dev.lifeguard.monitor.spec;

import java.time.Duration;
import java.util.List;

/**
 * A validated analysis spec: how long a deployment is judged, at which interval, with how many samples at least,
 * how many provider errors are tolerated, and which metrics by which detectors.
 */
public record AnalysisPlan(Duration window, Duration interval, int minSamples, int inconclusiveLimit,
                           List<MetricPlan> metrics) {

    public AnalysisPlan {
        metrics = List.copyOf(metrics);
    }

    public boolean pulls(java.util.function.Predicate<String> pullingProvider) {
        return metrics.stream().anyMatch(metric -> pullingProvider.test(metric.provider()));
    }
}
