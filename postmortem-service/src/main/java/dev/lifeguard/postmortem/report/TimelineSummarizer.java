package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.event.AnalysisFinished;
import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.NotificationPublished;
import dev.lifeguard.postmortem.event.RollbackRequested;
import dev.lifeguard.postmortem.event.ServiceRolledBack;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One human sentence per timeline entry, written when the event arrives. */
public final class TimelineSummarizer {

    private TimelineSummarizer() {
    }

    public static String summarize(ChainEvent event) {
        String service = event.service();
        String environment = event.environment();
        if (event.details() instanceof DeploymentReported deployment) {
            String what = deployment.upgrade() && deployment.previousVersion() != null
                    ? service + " upgraded from " + deployment.previousVersion() + " to " + deployment.version() + " in " + environment
                    : service + " " + deployment.version() + " deployed to " + environment;
            return what + parenthesised(labelled("commit", deployment.commit()), labelled("team", deployment.team()));
        }
        if (event.details() instanceof AnomalyDetected anomaly) {
            String finding = anomaly.rule() != null ? anomaly.rule() : anomaly.description();
            return "Anomaly on " + service + " " + anomaly.version() + " in " + environment
                    + (finding == null ? "" : ": " + finding)
                    + (anomaly.observedValues().isEmpty() ? "" : "; observed " + anomaly.observedValuesText());
        }
        if (event.details() instanceof AnalysisFinished analysis) {
            return analysis(service, environment, analysis);
        }
        if (event.details() instanceof RollbackRequested request) {
            return "Rollback of " + service + " in " + environment + " from " + request.fromVersion() + " to "
                    + request.toVersion() + " requested" + (request.reason() == null ? "" : ": " + request.reason());
        }
        if (event.details() instanceof ServiceRolledBack rollback) {
            return service + " rolled back from " + rollback.fromVersion() + " to " + rollback.toVersion() + " in "
                    + environment + parenthesised(labelled("executor", rollback.executor()));
        }
        if (event.details() instanceof NotificationPublished notification) {
            return "Team " + notification.team() + " notified"
                    + (notification.channelType() == null ? "" : " via " + notification.channelType())
                    + ": " + notification.title();
        }
        throw new IllegalArgumentException("No summary for " + event.details());
    }

    /**
     * "Analysis of checkout 2.0.0 in production failed: error_rate above 0.05 for 3 consecutive samples (threshold,
     * statistic 0.4)": the deciding metrics with their detector and statistic, else the analysis' own reason.
     */
    private static String analysis(String service, String environment, AnalysisFinished analysis) {
        List<String> deciding = analysis.decidingMetrics().stream()
                .map(metric -> (metric.reason() != null ? metric.reason() : metric.metric() + " " + metric.verdict())
                        + parenthesised(metric.detector(), metric.statistic() == null ? null
                        : "statistic " + AnomalyDetected.number(metric.statistic())))
                .toList();
        String why = analysis.outcome().equals("passed") || deciding.isEmpty() ? analysis.reason()
                : String.join("; ", deciding);
        // What ended it only matters when it could not decide: a window, a newer deployment, failing providers.
        boolean undecided = analysis.outcome().equals("inconclusive") && analysis.endedBy() != null;
        return "Analysis of " + service + " " + analysis.version() + " in " + environment + " " + analysis.outcome()
                + ": " + why + (undecided ? "; ended by " + analysis.endedBy() : "");
    }

    private static String labelled(String label, String value) {
        return value == null ? null : label + " " + value;
    }

    private static String parenthesised(String... parts) {
        String joined = Stream.of(parts).filter(Objects::nonNull).collect(Collectors.joining(", "));
        return joined.isEmpty() ? "" : " (" + joined + ")";
    }
}
