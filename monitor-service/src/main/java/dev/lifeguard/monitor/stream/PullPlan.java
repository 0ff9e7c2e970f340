package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.spec.AnalysisPlan;

import java.util.List;
import java.util.function.Predicate;

/**
 * What pull providers must measure for one running analysis, every interval until it ends (store {@code pulls},
 * read by the {@code PullScheduler} of the instance that owns the target's partition).
 */
public record PullPlan(String service, String environment, String deploymentId, String version, String stableVersion,
                       long startedAt, long endsAt, long intervalMillis, List<PulledMetric> metrics) {

    /**
     * {@code stableToo}: the canary detector compares with the stable version over the same intervals (not when the
     * analysed version is the stable one: a restored version after a rollback is compared with its own past).
     */
    public record PulledMetric(String metric, String provider, String query, boolean stableToo) {
    }

    static PullPlan of(TargetState state, AnalysisState analysis, AnalysisPlan plan, Predicate<String> pulls) {
        List<PulledMetric> metrics = plan.metrics().stream().filter(metric -> pulls.test(metric.provider()))
                .map(metric -> new PulledMetric(metric.metric(), metric.provider(), metric.query(),
                        "canary".equals(metric.detector()) && analysis.stableVersion != null
                                && !analysis.stableVersion.equals(analysis.version)))
                .toList();
        return new PullPlan(state.service, state.environment, analysis.deploymentId, analysis.version,
                analysis.stableVersion, analysis.startedAt, analysis.endsAt, analysis.intervalMillis, metrics);
    }
}
