package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.event.AnalysisFinished;
import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.NotificationPublished;
import dev.lifeguard.postmortem.event.RollbackOutcome;
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
        if (event.details() instanceof RollbackOutcome outcome) {
            return rollbackOutcome(service, environment, outcome);
        }
        if (event.details() instanceof ServiceRolledBack rollback) {
            String what = service + " rolled back from " + rollback.fromVersion() + " to " + rollback.toVersion() + " in "
                    + environment;
            if (ServiceRolledBack.REPORTED_BY_CI.equals(rollback.reportedBy())) {
                return what + " outside Lifeguard, with a CD tool" + parenthesised("reported by CI",
                        labelled("executor", rollback.executor()));
            }
            if (ServiceRolledBack.REPORTED_BY_PERSON.equals(rollback.reportedBy())) {
                return what + " by hand" + parenthesised("reported by a person", labelled("executor", rollback.executor()));
            }
            return what + parenthesised(labelled("executor", rollback.executor()));
        }
        if (event.details() instanceof NotificationPublished notification) {
            boolean urgent = notification.urgency() != null && !"normal".equals(notification.urgency());
            return "Team " + notification.team() + " notified"
                    + (notification.channelType() == null ? "" : " via " + notification.channelType())
                    + (urgent ? " (" + notification.urgency() + ")" : "")
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

    /**
     * "Rollback of checkout in production from 2.0.0 to 1.0.0 FAILED after 3 attempts (executor webhook): why; 2.0.0
     * still runs", "... not carried out: why", "... accepted (executor manual), waiting for completion: how".
     */
    private static String rollbackOutcome(String service, String environment, RollbackOutcome outcome) {
        String rollback = "Rollback of " + service + " in " + environment + " from " + outcome.fromVersion()
                + (outcome.toVersion() == null ? "" : " to " + outcome.toVersion());
        String executor = parenthesised(labelled("executor", outcome.executor()));
        return switch (outcome.result()) {
            case FAILED -> rollback + " FAILED" + (outcome.attempts() == null ? ""
                    : " after " + outcome.attempts() + " attempt" + (outcome.attempts() == 1 ? "" : "s"))
                    + executor + ": " + outcome.detail() + "; " + outcome.fromVersion() + " still runs";
            case SKIPPED -> rollback + " not carried out: " + outcome.detail();
            case ACCEPTED -> rollback + " accepted" + executor + ", waiting for completion: " + outcome.detail()
                    + (outcome.completeUrl() == null ? "" : "; complete with POST " + outcome.completeUrl());
        };
    }

    private static String labelled(String label, String value) {
        return value == null ? null : label + " " + value;
    }

    private static String parenthesised(String... parts) {
        String joined = Stream.of(parts).filter(Objects::nonNull).collect(Collectors.joining(", "));
        return joined.isEmpty() ? "" : " (" + joined + ")";
    }
}
