package dev.lifeguard.notify.service;

import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Link;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.notify.event.AnalysisFinishedEvent;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.MetricVerdict;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.Outcome;
import dev.lifeguard.notify.event.AnomalyEvent;
import dev.lifeguard.notify.event.DeploymentEvent;
import dev.lifeguard.notify.event.NotifiableEvent;
import dev.lifeguard.notify.event.RollbackAcceptedEvent;
import dev.lifeguard.notify.event.RollbackDecisionEvent;
import dev.lifeguard.notify.event.RollbackFailedEvent;
import dev.lifeguard.notify.event.RollbackRequestedEvent;
import dev.lifeguard.notify.event.RollbackSkippedEvent;
import dev.lifeguard.notify.event.RolledBackEvent;
import dev.lifeguard.notify.event.RolloutEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The words teams read for each kind of event; channels only lay them out. Pure. */
@ApplicationScoped
public class NotificationComposer {

    private final DecisionWording decisions;

    @Inject
    public NotificationComposer(NotifyConfig config) {
        this(config.rollbackServiceUrl());
    }

    /** {@code rollbackServiceUrl}: where the approve and reject commands point. */
    public NotificationComposer(String rollbackServiceUrl) {
        this.decisions = new DecisionWording(rollbackServiceUrl);
    }

    /** With rollback-service at its default local address. */
    public NotificationComposer() {
        this("http://localhost:8083");
    }

    public NotificationContent compose(NotifiableEvent event) {
        return compose(event, Hindsight.NONE);
    }

    /**
     * {@code endReportedBefore}: how the event's rollback ended, when that was reported before this event arrived
     * (a request read after its outcome must not read as if the rollback were still running).
     */
    public NotificationContent compose(NotifiableEvent event, Optional<RollbackOutcome.Kind> endReportedBefore) {
        return compose(event, Hindsight.rollbackEnded(endReportedBefore));
    }

    /** {@code known}: what was known before the event arrived, so that a late event is not worded as news. */
    public NotificationContent compose(NotifiableEvent event, Hindsight known) {
        if (event instanceof RollbackRequestedEvent request && known.rollbackEnd().isPresent()) {
            return lateRollbackRequest(request, known.rollbackEnd().get());
        }
        if (event instanceof RollbackDecisionEvent decision) {
            return decisions.compose(decision, known);
        }
        if (event instanceof DeploymentEvent deployment) {
            return deployed(deployment);
        }
        if (event instanceof AnomalyEvent anomaly) {
            return anomaly(anomaly);
        }
        if (event instanceof RollbackRequestedEvent request) {
            return rollbackRequested(request);
        }
        if (event instanceof RolledBackEvent rolledBack) {
            return rolledBack(rolledBack);
        }
        if (event instanceof AnalysisFinishedEvent analysis) {
            return analysis(analysis);
        }
        if (event instanceof RollbackFailedEvent failed) {
            return rollbackFailed(failed);
        }
        if (event instanceof RollbackSkippedEvent skipped) {
            return rollbackSkipped(skipped);
        }
        if (event instanceof RollbackAcceptedEvent accepted) {
            return rollbackAccepted(accepted);
        }
        if (event instanceof RolloutEvent rollout) {
            return RolloutWording.compose(rollout);
        }
        throw new IllegalArgumentException("No wording for " + event.getClass().getSimpleName());
    }

    private NotificationContent deployed(DeploymentEvent e) {
        String title = e.service() + " " + e.version() + " deployed to " + e.environment();
        StringBuilder text = new StringBuilder(e.service() + " " + e.version() + " is now running in " + e.environment());
        if (e.previousVersion() != null) {
            text.append(", replacing ").append(e.previousVersion());
        }
        if (e.commit() != null) {
            text.append(" (commit ").append(e.commit()).append(')');
        }
        if (e.strategyType() != null && !"all-at-once".equals(e.strategyType())) {
            text.append(", after a ").append(e.strategyType()).append(" rollout");
        }
        if (!e.fixes().isEmpty()) {
            text.append("; it fixes ").append(String.join(", ", e.fixes()));
        }
        List<Link> links = new ArrayList<>();
        if (e.changeUrl() != null && e.changeUrl().matches("(?i)https?://\\S+")) {
            links.add(new Link("change", e.changeUrl()));
        }
        return content(e, title, text.append('.').toString(), links);
    }

    private NotificationContent anomaly(AnomalyEvent e) {
        String target = e.service() + (e.version() != null ? " " + e.version() : "") + " in " + e.environment();
        String title = "Anomaly on " + target;
        if (e.metric() != null && e.threshold() != null) {
            title += ": " + e.metric() + " above " + number(e.threshold());
            if (!e.observedValues().isEmpty()) {
                title += " (" + numbers(e.observedValues()) + ")";
            }
        }
        String text = (e.description() != null ? e.description() : "An anomaly was detected on " + target) + ".";
        if (!e.observedValues().isEmpty()) {
            text += " Observed: " + numbers(e.observedValues())
                    + (e.threshold() != null ? " (threshold " + number(e.threshold()) + ")" : "") + ".";
        }
        return content(e, title, text, List.of());
    }

    private NotificationContent rollbackRequested(RollbackRequestedEvent e) {
        String title = "Rolling back " + e.service() + " in " + e.environment() + " from " + e.fromVersion()
                + " to " + e.toVersion();
        return content(e, title, DecisionWording.requestedText(e, title), List.of());
    }

    /** Who rolled back matters to the team: Lifeguard, someone with their CD tool (CI reported it), or by hand. */
    private NotificationContent rolledBack(RolledBackEvent e) {
        String from = e.fromVersion() != null ? " from " + e.fromVersion() : "";
        String why = e.reason() != null ? ". Reason: " + sentence(e.reason()) : ".";
        if (RolledBackEvent.REPORTED_BY_CI.equals(e.reportedBy())) {
            return content(e, e.service() + " rolled back to " + e.toVersion() + " in " + e.environment()
                    + " with a CD tool", "Someone rolled " + e.service() + " back" + from + " to " + e.toVersion()
                    + " in " + e.environment() + " with their CD tool, outside Lifeguard; CI reported it" + why,
                    List.of());
        }
        if (RolledBackEvent.REPORTED_BY_PERSON.equals(e.reportedBy())) {
            return content(e, e.service() + " rolled back to " + e.toVersion() + " in " + e.environment() + " by hand",
                    "A person reported that " + e.service() + " was rolled back by hand" + from + " to "
                            + e.toVersion() + " in " + e.environment() + why, List.of());
        }
        if (e.rolloutAborted()) {
            // The aborted event was the loud one; this confirms the traffic is back.
            return content(e, e.service() + " back on " + e.toVersion() + " in " + e.environment()
                            + (e.fromVersion() != null ? ": rollout of " + e.fromVersion() + " aborted" : ""),
                    "All traffic of " + e.service() + " in " + e.environment() + " is back on " + e.toVersion()
                            + (e.fromVersion() != null ? "; the rollout of " + e.fromVersion() + " was aborted and "
                            + e.fromVersion() + " removed" : "") + why, List.of());
        }
        String title = e.service() + " rolled back to " + e.toVersion() + " in " + e.environment();
        String text = e.service() + " was rolled back" + from + " to " + e.toVersion() + " in " + e.environment()
                + (e.reason() != null ? ": " + e.reason() : ".");
        return content(e, title, text, List.of());
    }

    /**
     * The loudest message there is: Lifeguard tried and gave up, the version it flagged still serves, and only a
     * person can help now. It says what failed, how often it was tried, and what to do.
     */
    private NotificationContent rollbackFailed(RollbackFailedEvent e) {
        String title = "Rollback FAILED: " + e.service() + " still runs " + e.fromVersion() + " in " + e.environment()
                + " \u2014 act now";
        StringBuilder text = new StringBuilder("Lifeguard could not roll " + e.service() + " back from "
                + e.fromVersion() + (e.toVersion() != null ? " to " + e.toVersion() : "") + " in " + e.environment());
        List<String> how = new ArrayList<>();
        if (e.attempts() != null) {
            how.add(e.attempts() + " attempt" + (e.attempts() == 1 ? "" : "s"));
        }
        if (e.executor() != null) {
            how.add("executor " + e.executor());
        }
        if (!how.isEmpty()) {
            text.append(" (").append(String.join(", ", how)).append(')');
        }
        text.append(": ").append(sentence(e.detail() != null ? e.detail() : "no detail was given")).append(' ');
        text.append(e.toVersion() != null
                ? "Lifeguard has given up: roll back to " + e.toVersion() + " by hand or fix forward, now."
                : "There is no version to go back to: fix forward or roll back by hand, now.");
        if (e.reason() != null) {
            text.append(" Why it was rolled back: ").append(sentence(e.reason()));
        }
        if (e.rollbackId() != null) {
            text.append(" Rollback ").append(e.rollbackId()).append('.');
        }
        return content(e, title, text.toString(), List.of(), Urgency.CRITICAL);
    }

    /** For the record, so that the team's last word on the rollback is not "Rolling back...". */
    private NotificationContent rollbackSkipped(RollbackSkippedEvent e) {
        String title = "Rollback of " + e.service() + " in " + e.environment() + " not carried out";
        StringBuilder text = new StringBuilder("Rollback not carried out: ")
                .append(sentence(e.detail() != null ? e.detail() : "deploy-service gave no detail"));
        if (e.fromVersion() != null) {
            text.append(" It was to go from ").append(e.fromVersion())
                    .append(e.toVersion() != null ? " to " + e.toVersion() : "")
                    .append(e.reason() != null ? ", because: " + sentence(e.reason()) : ".");
        } else if (e.reason() != null) {
            text.append(" It was requested because: ").append(sentence(e.reason()));
        }
        return content(e, title, text.toString(), List.of());
    }

    /**
     * Says who must finish the rollback: with the manual executor a person (urgent: the flagged version runs until
     * they act), otherwise the CD tool that accepted it, whose service.rolledback Lifeguard waits for.
     */
    private NotificationContent rollbackAccepted(RollbackAcceptedEvent e) {
        String target = e.toVersion() != null ? e.toVersion() : "the last good version";
        String fromTo = (e.fromVersion() != null ? " from " + e.fromVersion() : "") + " to " + target;
        String complete = e.completeUrl() != null ? "POST " + e.completeUrl() : "report it to Lifeguard";
        String why = e.reason() != null ? " Why: " + sentence(e.reason()) : "";
        if (e.waitsForAPerson()) {
            String title = "Roll back " + e.service() + " in " + e.environment() + " by hand" + fromTo;
            String text = "Lifeguard does not roll back " + e.service() + " in " + e.environment()
                    + " itself (manual executor): roll back by hand to " + target + ", then " + complete + "."
                    + (e.fromVersion() != null ? " " + e.fromVersion() + " runs until then." : "") + why;
            return content(e, title, text, List.of(), Urgency.HIGH);
        }
        String tool = e.executor() != null ? e.executor() : "the CD tool";
        String title = "Rollback of " + e.service() + " in " + e.environment() + fromTo + " accepted by " + tool;
        String text = "Your CD tool accepted it" + (e.detail() != null ? " (" + e.detail() + ")" : "")
                + "; waiting for its service.rolledback. If it never comes, roll back by hand and " + complete + "."
                + why;
        return content(e, title, text, List.of());
    }

    /** A request read after its rollback ended: the record is kept, but it must not sound like news. */
    private NotificationContent lateRollbackRequest(RollbackRequestedEvent e, RollbackOutcome.Kind end) {
        String ended = switch (end) {
            case FAILED -> "it has already failed, " + e.service() + " still runs " + e.fromVersion();
            case SKIPPED -> "it was already reported as not carried out";
            case ROLLED_BACK -> "it is already done";
            case ACCEPTED -> throw new IllegalArgumentException("accepted is no end of a rollback");
        };
        String title = "Rollback of " + e.service() + " in " + e.environment() + " from " + e.fromVersion() + " to "
                + e.toVersion() + " was requested; " + ended;
        return content(e, title, sentence(title) + (e.reason() != null ? " Requested because: " + sentence(e.reason())
                : ""), List.of());
    }

    /**
     * A failed or inconclusive verdict says why and which metrics decided it, with their statistic and evidence,
     * so that the team can act without opening anything else. A pass is one quiet line: teams already hear of every
     * deployment, and "verified" closes that story.
     */
    private NotificationContent analysis(AnalysisFinishedEvent e) {
        String target = e.service() + " " + e.version() + " in " + e.environment();
        if (e.stepAnalysis()) {
            return stepAnalysis(e, target);
        }
        if (e.outcome() == Outcome.PASSED) {
            String text = "Analysis passed" + (e.samples() != null ? " after " + e.samples() + " samples" : "")
                    + (e.reason() != null ? ": " + e.reason() : "");
            return content(e, e.service() + " " + e.version() + " verified in " + e.environment(), sentence(text),
                    List.of());
        }
        List<MetricVerdict> deciding = e.decidingMetrics();
        String title = "Analysis " + e.outcome().label() + " for " + target + (deciding.isEmpty() ? ""
                : ": " + deciding.stream().map(MetricVerdict::metric).collect(Collectors.joining(", ")));
        StringBuilder text = new StringBuilder(sentence(e.reason() != null ? e.reason()
                : "The analysis of " + target + " " + e.outcome().label()));
        if (!deciding.isEmpty()) {
            String label = e.outcome() == Outcome.FAILED ? "Deciding metric" : "Undecided metric";
            text.append(' ').append(label).append(deciding.size() > 1 ? "s" : "").append(": ")
                    .append(deciding.stream().map(metric -> metricLine(metric, e.reason()))
                            .collect(Collectors.joining("; ")))
                    .append('.');
        }
        if (e.outcome() == Outcome.FAILED) {
            if (e.stableVersion() != null) {
                text.append(" Last good version: ").append(e.stableVersion()).append('.');
            }
        } else {
            text.append(' ').append(inconclusiveAdvice(e));
        }
        return content(e, title, text.toString(), List.of());
    }

    /**
     * A step's verdict is not the deployment's: it says which step, and what deploy-service does with it (the
     * rollout's own paused / aborted message follows and is the one to act on). Passes are not told at all.
     */
    private NotificationContent stepAnalysis(AnalysisFinishedEvent e, String target) {
        Integer step = e.stepNumber();
        String stepName = step != null ? "step " + step : "a rollout step";
        List<MetricVerdict> deciding = e.decidingMetrics();
        String title = "Rollout " + stepName + " analysis " + e.outcome().label() + " for " + target
                + (deciding.isEmpty() ? "" : ": " + deciding.stream().map(MetricVerdict::metric)
                .collect(Collectors.joining(", ")));
        StringBuilder text = new StringBuilder(sentence(e.reason() != null ? e.reason()
                : "The analysis of " + stepName + " " + e.outcome().label()));
        if (!deciding.isEmpty()) {
            text.append(' ').append(e.outcome() == Outcome.FAILED ? "Deciding metric" : "Undecided metric")
                    .append(deciding.size() > 1 ? "s" : "").append(": ")
                    .append(deciding.stream().map(metric -> metricLine(metric, e.reason()))
                            .collect(Collectors.joining("; "))).append('.');
        }
        String stable = e.stableVersion() != null ? e.stableVersion() : "the stable version";
        text.append(switch (e.outcome()) {
            case FAILED -> " The rollout of " + e.version() + " is aborted: all traffic goes back to " + stable + ".";
            case INCONCLUSIVE -> " The rollout of " + e.version() + " pauses until someone resumes, promotes or"
                    + " aborts it.";
            case PASSED -> " The rollout goes on.";
        });
        return content(e, title, text.toString(), List.of());
    }

    /** "error_rate failed (threshold, statistic 0.40, evidence 0.21, 0.34, 0.40): why", the reason only if new. */
    static String metricLine(MetricVerdict metric, String overallReason) {
        List<String> facts = new ArrayList<>();
        if (metric.detector() != null) {
            facts.add(metric.detector());
        }
        if (metric.statistic() != null) {
            facts.add("statistic " + statistic(metric.statistic()));
        }
        if (!metric.evidence().isEmpty()) {
            facts.add("evidence " + numbers(metric.evidence()));
        }
        if (metric.providerErrors() > 0) {
            facts.add(metric.providerErrors() + " provider error" + (metric.providerErrors() > 1 ? "s" : ""));
        }
        String line = metric.metric() + " " + metric.verdict().label() + (facts.isEmpty() ? ""
                : " (" + String.join(", ", facts) + ")");
        boolean newReason = metric.reason() != null && (overallReason == null || !overallReason.contains(metric.reason()));
        return newReason ? line + ": " + metric.reason() : line;
    }

    /** What ended an undecided analysis, and whether the version still runs unverified. */
    private static String inconclusiveAdvice(AnalysisFinishedEvent e) {
        String running = e.service() + " " + e.version() + " runs unverified in " + e.environment()
                + ": check its metrics before relying on it.";
        if (e.endedBy() == null) {
            return running;
        }
        return switch (e.endedBy()) {
            case "superseded" -> "A newer deployment replaced it before the analysis could decide.";
            case "rollback" -> "It was rolled back before the analysis could decide.";
            case "provider-errors" -> "The metric providers failed " + e.providerErrors()
                    + " time(s): check that they answer. " + running;
            case "window" -> "The analysis window ended without enough evidence. " + running;
            default -> running;
        };
    }

    static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static NotificationContent content(NotifiableEvent event, String title, String text, List<Link> links) {
        return content(event, title, text, links, Urgency.NORMAL);
    }

    static NotificationContent content(NotifiableEvent event, String title, String text, List<Link> links,
                                       Urgency urgency) {
        return new NotificationContent(event.service(), event.environment(), title, text, links, event.cloudEvent(),
                event.chainId(), urgency);
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(NotificationComposer::number).collect(Collectors.joining(", "));
    }

    /** Like {@link #number}, but a small statistic (a p-value) keeps two significant digits: 0.00012, not 0.00. */
    private static String statistic(double value) {
        if (value == 0 || Math.abs(value) >= 0.01) {
            return number(value);
        }
        return new BigDecimal(value).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /** Two decimals at least, four at most: 0.4 reads "0.40", 0.12345 reads "0.1235". */
    private static String number(double value) {
        return new DecimalFormat("0.00##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
    }
}
