package dev.lifeguard.notify.service;

import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.event.RolloutEvent;
import dev.lifeguard.notify.event.RolloutEvent.Step;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The words for deploy-service's rollout events: what holds a deployment at the gate and how to release it, where
 * the traffic is now, why a rollout stopped and how to go on. Each message says what the team can do next, with the
 * endpoint to call. Pure.
 */
final class RolloutWording {

    private static final String DEPLOYMENTS_API = "/api/v1/deployments/";

    private RolloutWording() {
    }

    static NotificationContent compose(RolloutEvent e) {
        return switch (e.kind()) {
            case GATED -> gated(e);
            case RELEASED -> released(e);
            case STEP_STARTED -> stepStarted(e);
            case PAUSED -> paused(e);
            case PROMOTED -> promoted(e);
            case ABORTED -> aborted(e);
        };
    }

    /** Held until CI reports passing tests or someone overrides; the stable version serves meanwhile. */
    private static NotificationContent gated(RolloutEvent e) {
        String title = e.service() + " " + e.version() + " held at the redeploy gate in " + e.environment()
                + ": test evidence needed";
        StringBuilder text = new StringBuilder(NotificationComposer.sentence(e.reason() != null ? e.reason()
                : e.service() + " " + e.version() + " waits for test evidence"));
        String suites = e.requiredSuites().isEmpty() ? "at least one test suite, with no failures,"
                : "the suite" + (e.requiredSuites().size() > 1 ? "s " : " ") + String.join(", ", e.requiredSuites());
        text.append(" Needed: a passing run of ").append(suites).append(" for ").append(e.version())
                .append(" (a testsuiterun.finished with outcome pass from CI for this artifact or chain, or a")
                .append(" \"tests\" field on the deployment).");
        text.append(" To release it without evidence: POST ").append(endpoint(e, "override"))
                .append(" {\"reason\": \"...\"} with an operator's token.");
        if (e.stableVersion() != null) {
            text.append(' ').append(e.stableVersion()).append(" keeps serving meanwhile.");
        }
        appendFixes(text, e);
        return content(e, title, text.toString(), Urgency.NORMAL);
    }

    private static NotificationContent released(RolloutEvent e) {
        boolean override = "override".equals(e.releasedBy());
        String who = e.requestedBy() != null ? e.requestedBy() : "someone";
        String title = e.service() + " " + e.version() + " released from the redeploy gate in " + e.environment()
                + (override ? " by override (" + who + ")" : " on test evidence");
        StringBuilder text = new StringBuilder();
        if (override) {
            text.append(who).append(" overrode the gate without test evidence")
                    .append(e.reason() != null ? ": " + NotificationComposer.sentence(e.reason()) : ".");
        } else if (e.evidence() != null) {
            text.append("Test evidence: ").append(evidence(e.evidence())).append('.');
        } else {
            text.append(NotificationComposer.sentence(e.reason() != null ? e.reason() : "Test evidence arrived"));
        }
        text.append(e.progressive()
                ? " The " + e.strategyLabel() + " rollout of " + e.version() + " starts now."
                : " Lifeguard deploys " + e.version() + " now.");
        return content(e, title, text.toString(), Urgency.NORMAL);
    }

    /** "412 passed, 0 failed (unit, integration, e2e)". */
    private static String evidence(RolloutEvent.Evidence evidence) {
        StringBuilder text = new StringBuilder();
        if (evidence.passed() != null) {
            text.append(evidence.passed()).append(" passed");
        }
        if (evidence.failed() != null) {
            text.append(text.isEmpty() ? "" : ", ").append(evidence.failed()).append(" failed");
        }
        if (!evidence.suites().isEmpty()) {
            String suites = String.join(", ", evidence.suites());
            text.append(text.isEmpty() ? "suites " + suites : " (" + suites + ")");
        }
        return text.isEmpty() ? "a passing test run" : text.toString();
    }

    private static NotificationContent stepStarted(RolloutEvent e) {
        Step step = e.step();
        String target = e.service() + " " + e.version();
        String stable = e.stableVersion() != null ? e.stableVersion() : "the stable version";
        String position = position(e);
        if (Step.SET_WEIGHT.equals(step.kind())) {
            int weight = step.weight() != null ? step.weight() : e.weight() != null ? e.weight() : 0;
            String title = target + " " + e.strategyLabel() + " at " + weight + "% of traffic in " + e.environment();
            String text = position + weight + "% of traffic on " + e.version() + ", " + (100 - weight) + "% on "
                    + stable + ".";
            return content(e, title, text, Urgency.NORMAL);
        }
        if (Step.PREVIEW.equals(step.kind())) {
            String title = target + " preview running beside " + stable + " in " + e.environment();
            String text = position + e.version() + " runs beside " + stable + " without traffic, reachable on the"
                    + " preview service" + analysing(e, stable) + ".";
            return content(e, title, text, Urgency.NORMAL);
        }
        String weightNow = e.weight() != null ? " at " + e.weight() + "%" : "";
        if (e.analysis() != null) {
            String window = window(e);
            String title = target + " " + e.strategyLabel() + weightNow + ": analysing"
                    + (window != null ? " for " + window : "") + " against " + stable + " in " + e.environment();
            String text = position + weightText(e) + "analysing " + e.version()
                    + (window != null ? " for " + window : "") + " against " + stable
                    + (step.duration() == null ? "; then it waits for promotion: POST " + endpoint(e, "promote")
                    : "; the next step follows when the analysis passes") + ".";
            return content(e, title, text, Urgency.NORMAL);
        }
        if (step.duration() == null) {
            String title = target + " " + e.strategyLabel() + weightNow + " waits for promotion in " + e.environment();
            String text = position + weightText(e) + "the rollout waits until someone promotes it: POST "
                    + endpoint(e, "promote") + " (body {\"full\": true} to go straight to all traffic), or POST "
                    + endpoint(e, "abort") + " {\"reason\": \"...\"} to go back to " + stable + ".";
            return content(e, title, text, Urgency.NORMAL);
        }
        String title = target + " " + e.strategyLabel() + weightNow + ": waiting " + duration(step.duration()) + " in "
                + e.environment();
        return content(e, title, position + weightText(e) + "waiting " + duration(step.duration())
                + " before the next step.", Urgency.NORMAL);
    }

    /** Paused by an analysis or a failing executor: nothing moves until a person decides, so they are called in. */
    private static NotificationContent paused(RolloutEvent e) {
        boolean byPerson = "person".equals(e.pausedBy());
        String stable = e.stableVersion() != null ? e.stableVersion() : "the stable version";
        String by = byPerson ? " by " + (e.requestedBy() != null ? e.requestedBy() : "a person")
                : e.pausedBy() != null ? " by " + e.pausedBy() : "";
        String title = e.service() + " " + e.version() + " " + e.strategyLabel() + " paused"
                + (e.weight() != null ? " at " + e.weight() + "%" : "") + by + " in " + e.environment();
        StringBuilder text = new StringBuilder("Paused").append(e.stepIndex() != null && e.stepIndex() >= 0
                ? " at step " + (e.stepIndex() + 1) + (e.stepCount() != null ? " of " + e.stepCount() : "") : "");
        if (e.weight() != null) {
            text.append(" with ").append(e.weight()).append("% of traffic on ").append(e.version());
        }
        text.append(e.reason() != null ? ": " + NotificationComposer.sentence(e.reason()) : ".");
        text.append(" To go on: POST ").append(endpoint(e, "resume"))
                .append("executor".equals(e.pausedBy()) ? " (retries the step)" : "")
                .append(", or POST ").append(endpoint(e, "promote")).append(" to move to the next step, or POST ")
                .append(endpoint(e, "abort")).append(" {\"reason\": \"...\"} to send all traffic back to ")
                .append(stable).append('.');
        return content(e, title, text.toString(), byPerson ? Urgency.NORMAL : Urgency.HIGH);
    }

    private static NotificationContent promoted(RolloutEvent e) {
        String title = e.service() + " " + e.version() + " takes all traffic in " + e.environment();
        String replaced = e.previousVersion() != null ? e.previousVersion() : e.stableVersion();
        StringBuilder text = new StringBuilder(e.version() + " takes all traffic in " + e.environment()
                + (replaced != null ? ", replacing " + replaced : ""));
        String how = e.promotedBy() == null ? null : switch (e.promotedBy()) {
            case "steps" -> "every step of the " + e.strategyLabel() + " passed";
            case "person" -> "promoted by " + (e.requestedBy() != null ? e.requestedBy() : "a person");
            case "auto" -> "promoted automatically after its preview analysis passed";
            case "gate" -> "deployed once the redeploy gate released it";
            default -> "promoted by " + e.promotedBy();
        };
        if (how != null) {
            text.append(" (").append(how).append(')');
        }
        text.append('.');
        if (e.reason() != null && !"steps".equals(e.promotedBy())) {
            text.append(' ').append(NotificationComposer.sentence(e.reason()));
        }
        appendFixes(text, e);
        return content(e, title, text.toString(), Urgency.NORMAL);
    }

    /** The loudest rollout message: the new version failed (or was stopped) and the stable one takes it all back. */
    private static NotificationContent aborted(RolloutEvent e) {
        String stable = e.stableVersion() != null ? e.stableVersion() : "the stable version";
        String title = "Rollout of " + e.service() + " " + e.version() + " ABORTED in " + e.environment()
                + ": all traffic back to " + stable;
        StringBuilder text = new StringBuilder(NotificationComposer.sentence(e.reason() != null ? e.reason()
                : "The rollout of " + e.version() + " was aborted"));
        text.append(" Aborted");
        if (e.stepIndex() != null && e.stepIndex() >= 0) {
            text.append(" at step ").append(e.stepIndex() + 1)
                    .append(e.stepCount() != null ? " of " + e.stepCount() : "");
        }
        if (e.weight() != null) {
            text.append(" with ").append(e.weight()).append("% of traffic on ").append(e.version());
        }
        if (e.abortedBy() != null) {
            text.append(switch (e.abortedBy()) {
                case "analysis" -> ", by its failed analysis";
                case "person" -> ", by " + (e.requestedBy() != null ? e.requestedBy() : "a person");
                case "rollback" -> ", by a rollback request";
                default -> ", by " + e.abortedBy();
            });
        }
        text.append(": all traffic goes back to ").append(stable)
                .append(e.rollbackId() != null ? " (rollback " + e.rollbackId() + ")" : "").append('.');
        return content(e, title, text.toString(), Urgency.CRITICAL);
    }

    /** "Step 2 of 5: ", or nothing when the event does not say. */
    private static String position(RolloutEvent e) {
        if (e.stepIndex() == null || e.stepIndex() < 0) {
            return "";
        }
        return "Step " + (e.stepIndex() + 1) + (e.stepCount() != null ? " of " + e.stepCount() : "") + ": ";
    }

    private static String weightText(RolloutEvent e) {
        return e.weight() != null ? e.weight() + "% of traffic on " + e.version() + "; " : "";
    }

    private static String analysing(RolloutEvent e, String stable) {
        String window = window(e);
        return e.analysis() == null ? "" : "; analysing it" + (window != null ? " for " + window : "") + " against "
                + stable;
    }

    /** The analysis window as people write it, falling back on the pause's duration; null: the spec's window. */
    private static String window(RolloutEvent e) {
        String iso = e.analysis() != null && e.analysis().window() != null ? e.analysis().window()
                : e.step() != null ? e.step().duration() : null;
        return iso == null ? null : duration(iso);
    }

    /** "PT5M" reads "5m", "PT1H30M" "1h 30m"; anything else is shown as given. */
    static String duration(String iso) {
        try {
            Duration duration = Duration.parse(iso);
            StringBuilder text = new StringBuilder();
            if (duration.toHours() > 0) {
                text.append(duration.toHours()).append('h');
            }
            if (duration.toMinutesPart() > 0) {
                text.append(text.isEmpty() ? "" : " ").append(duration.toMinutesPart()).append('m');
            }
            if (duration.toSecondsPart() > 0 || text.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(duration.toSecondsPart()).append('s');
            }
            return text.toString();
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static void appendFixes(StringBuilder text, RolloutEvent e) {
        if (!e.fixes().isEmpty()) {
            text.append(" It fixes ").append(String.join(", ", e.fixes())).append('.');
        }
    }

    private static String endpoint(RolloutEvent e, String action) {
        return DEPLOYMENTS_API + (e.deploymentId() != null ? e.deploymentId() : "{id}") + "/" + action;
    }

    private static NotificationContent content(RolloutEvent e, String title, String text, Urgency urgency) {
        return NotificationComposer.content(e, title, text, List.of(), urgency);
    }
}
