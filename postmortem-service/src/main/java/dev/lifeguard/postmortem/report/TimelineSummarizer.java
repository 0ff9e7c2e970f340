package dev.lifeguard.postmortem.report;

import dev.lifeguard.postmortem.event.AnalysisFinished;
import dev.lifeguard.postmortem.event.ApprovalRequested;
import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.DecisionSubject;
import dev.lifeguard.postmortem.event.NotificationPublished;
import dev.lifeguard.postmortem.event.RollbackDecided;
import dev.lifeguard.postmortem.event.RollbackEscalated;
import dev.lifeguard.postmortem.event.RollbackOutcome;
import dev.lifeguard.postmortem.event.RollbackRequested;
import dev.lifeguard.postmortem.event.RolloutReported;
import dev.lifeguard.postmortem.event.ServiceRolledBack;
import dev.lifeguard.postmortem.event.StormGuardTripped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One human sentence per timeline entry, written when the event arrives. */
public final class TimelineSummarizer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private TimelineSummarizer() {
    }

    public static String summarize(ChainEvent event) {
        String service = event.service();
        String environment = event.environment();
        if (event.details() instanceof DeploymentReported deployment) {
            String what = deployment.upgrade() && deployment.previousVersion() != null
                    ? service + " upgraded from " + deployment.previousVersion() + " to " + deployment.version() + " in " + environment
                    : service + " " + deployment.version() + " deployed to " + environment;
            return what + parenthesised(deployment.strategyType() == null ? null
                            : "after a " + deployment.strategyType() + " rollout", labelled("commit", deployment.commit()),
                    labelled("team", deployment.team()),
                    deployment.fixes().isEmpty() ? null : "fixes " + String.join(", ", deployment.fixes()));
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
        if (event.details() instanceof RollbackRequested request && request.explanation() != null) {
            return "Rollback of " + service + " in " + environment + " from " + request.fromVersion() + " to "
                    + request.toVersion() + " requested (" + request.decisionOrDefault() + ", rule "
                    + request.explanation().rule() + "): " + request.explanation().reason();
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
            return what + (rollback.rolloutAborted() ? " after its rollout was aborted" : "")
                    + parenthesised(labelled("executor", rollback.executor()));
        }
        if (event.details() instanceof RolloutReported rollout) {
            return rollout(service, environment, rollout);
        }
        if (event.details() instanceof RollbackDecided decided) {
            return decided(service, environment, decided);
        }
        if (event.details() instanceof ApprovalRequested approval) {
            DecisionSubject subject = approval.subject();
            return "Approval requested for " + rollbackOf(service, environment, subject) + " (rule "
                    + subject.explanation().rule() + "): answer by " + time(approval.deadline()) + " ("
                    + duration(approval.timeout()) + ")" + (approval.onTimeout() == null ? "" : "; on timeout: "
                    + (approval.escalationTeam() == null ? "" : "escalate to " + approval.escalationTeam() + ", then ")
                    + approval.onTimeout());
        }
        if (event.details() instanceof RollbackEscalated escalated) {
            DecisionSubject subject = escalated.subject();
            String why = switch (escalated.because()) {
                case RollbackEscalated.BECAUSE_APPROVAL_TIMEOUT -> "nobody approved " + rollbackOf(service,
                        environment, subject) + " in time";
                case "depth-guard" -> "the version a rollback of " + service + " in " + environment
                        + " restored failed too (depth guard)";
                default -> escalated.because() + " (" + rollbackOf(service, environment, subject) + ")";
            };
            return "Escalated to " + (escalated.escalationTeam() == null ? "no team"
                    : "team " + escalated.escalationTeam()) + ": " + why + "; then " + escalated.then() + ": " + subject.explanation().reason();
        }
        if (event.details() instanceof StormGuardTripped tripped) {
            DecisionSubject subject = tripped.subject();
            return "Storm guard tripped in " + environment + ": " + tripped.count() + " automatic rollback"
                    + (tripped.count() == 1 ? "" : "s") + " within " + duration(tripped.window()) + " (limit "
                    + tripped.limit() + "); automatic rollbacks there need approval, starting with " + service + " "
                    + subject.fromVersion() + " (" + subject.decision() + ")";
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
        String step = !analysis.stepAnalysis() ? ""
                : analysis.rolloutStep() != null ? "step " + (analysis.rolloutStep() + 1) + " of " : "a rollout step of ";
        return "Analysis of " + step + service + " " + analysis.version() + " in " + environment + " " + analysis.outcome()
                + ": " + why + (undecided ? "; ended by " + analysis.endedBy() : "");
    }

    /**
     * "Decision on checkout 2.0.0 in production: HELD (rule mode-notify-only): why", "... changed from
     * AWAITING_APPROVAL to APPROVED by alice (rule approved): why", "... DRY_RUN, would have been ROLL_BACK ...".
     */
    private static String decided(String service, String environment, RollbackDecided decided) {
        DecisionSubject subject = decided.subject();
        String on = "Decision on " + service + " " + subject.fromVersion() + " in " + environment;
        String wouldBe = subject.explanation().wouldBe();
        String outcome = subject.decision() + ("DRY_RUN".equals(subject.decision()) && wouldBe != null
                ? ", would have been " + wouldBe : "");
        String change = !decided.isChange() ? ": " + outcome
                : " changed from " + decided.previousDecision() + " to " + outcome + (decided.settledByTimeout()
                ? " when its approval timed out" : decided.settledBy() == null ? "" : " by " + decided.settledBy());
        String reason = subject.explanation().reason();
        String settleReason = decided.settleReason() == null || reason.contains(decided.settleReason()) ? ""
                : " (\"" + decided.settleReason() + "\")";
        return on + change + settleReason + " (rule " + subject.explanation().rule() + "): " + reason;
    }

    /** "the rollback of checkout from 2.0.0 to 1.0.0 in production" (without a target version: "of checkout 2.0.0"). */
    private static String rollbackOf(String service, String environment, DecisionSubject subject) {
        return "the rollback of " + service + (subject.toVersion() == null ? " " + subject.fromVersion()
                : " from " + subject.fromVersion() + " to " + subject.toVersion()) + " in " + environment;
    }

    static String time(OffsetDateTime time) {
        return TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
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

    /**
     * "checkout 2.0.1 held at the redeploy gate in production: why", "checkout 2.0.1 canary step 2 of 5 in production:
     * pause 5m, analysing against 1.0.0 (analysis d-0003#1)", "... ABORTED at step 2 of 5 (10% of traffic) by
     * analysis: why; all traffic back to 1.0.0 (rollback abort-d-0003)".
     */
    private static String rollout(String service, String environment, RolloutReported r) {
        String target = service + " " + r.version();
        String in = " in " + environment;
        String strategy = r.strategyType() != null ? r.strategyType() : "rollout";
        String stable = r.stableVersion() != null ? r.stableVersion() : "the stable version";
        String at = (r.stepIndex() != null && r.stepIndex() >= 0 ? " at step " + (r.stepIndex() + 1)
                + (r.stepCount() != null ? " of " + r.stepCount() : "") : "")
                + (r.weight() != null ? " (" + r.weight() + "% of traffic)" : "");
        String why = r.reason() == null ? "" : ": " + r.reason();
        return switch (r.rolloutKind()) {
            case GATED -> target + " held at the redeploy gate" + in + why
                    + (r.requiredSuites().isEmpty() ? "" : "; required suites " + String.join(", ", r.requiredSuites()));
            case RELEASED -> "override".equals(r.releasedBy())
                    ? target + " released from the redeploy gate" + in + " by override"
                    + (r.requestedBy() != null ? " (" + r.requestedBy() + ")" : "") + why
                    : target + " released from the redeploy gate" + in + " on test evidence"
                    + (r.evidence() != null ? ": " + r.evidence() : why);
            case STEP_STARTED -> target + " " + strategy + " step"
                    + (r.stepIndex() != null ? " " + (r.stepIndex() + 1) + (r.stepCount() != null ? " of "
                    + r.stepCount() : "") : "") + in + ": " + step(r, stable);
            case PAUSED -> target + " " + strategy + " paused" + in + at
                    + (r.pausedBy() == null ? "" : " by " + ("person".equals(r.pausedBy()) && r.requestedBy() != null
                    ? r.requestedBy() : r.pausedBy())) + why;
            case PROMOTED -> target + " takes all traffic" + in
                    + (r.previousVersion() != null ? ", replacing " + r.previousVersion() : "")
                    + parenthesised(promotedBy(r)) + ("steps".equals(r.promotedBy()) ? "" : why);
            case ABORTED -> target + " " + strategy + " ABORTED" + in + at
                    + (r.abortedBy() == null ? "" : " by " + ("person".equals(r.abortedBy()) && r.requestedBy() != null
                    ? r.requestedBy() : r.abortedBy())) + why + "; all traffic back to " + stable
                    + parenthesised(labelled("rollback", r.rollbackId()));
        };
    }

    private static String promotedBy(RolloutReported r) {
        if (r.promotedBy() == null) {
            return null;
        }
        return switch (r.promotedBy()) {
            case "steps" -> "every step passed";
            case "person" -> "promoted by " + (r.requestedBy() != null ? r.requestedBy() : "a person");
            case "auto" -> "promoted automatically after its preview analysis";
            case "gate" -> "deployed once the redeploy gate released it";
            default -> "promoted by " + r.promotedBy();
        };
    }

    private static String step(RolloutReported r, String stable) {
        String analysis = r.analysisId() == null ? "" : ", analysing against " + stable + " (analysis "
                + r.analysisId() + ")";
        return switch (r.stepKind()) {
            case "set-weight" -> (r.stepWeight() != null ? r.stepWeight() + "% of traffic"
                    : r.weight() != null ? r.weight() + "% of traffic" : "traffic shifted");
            case "pause" -> (r.stepDuration() == null ? "pause until promoted" : "pause " + duration(r.stepDuration()))
                    + analysis;
            case "preview" -> "preview beside " + stable + ", no traffic" + analysis;
            default -> r.stepKind() + analysis;
        };
    }

    /** "PT5M" reads "5m", "PT1H30M" "1h30m"; anything else is shown as given. */
    static String duration(String iso) {
        return iso.startsWith("PT") ? iso.substring(2).toLowerCase(java.util.Locale.ROOT) : iso;
    }

    private static String labelled(String label, String value) {
        return value == null ? null : label + " " + value;
    }

    private static String parenthesised(String... parts) {
        String joined = Stream.of(parts).filter(Objects::nonNull).collect(Collectors.joining(", "));
        return joined.isEmpty() ? "" : " (" + joined + ")";
    }
}
