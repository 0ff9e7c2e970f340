package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.InconclusiveAction;
import dev.lifeguard.rollback.PolicyMode;
import dev.lifeguard.rollback.TriggerKind;
import dev.lifeguard.rollback.event.PolicyJson;
import dev.lifeguard.rollback.policy.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The decision pipeline: from everything rollback-service knows about a failing deployment to one outcome, the rule
 * that decided it (first match wins), a one-line reason for people and the explanation JSON. Pure: the caller gathers
 * the inputs under the target lock, records the outcome and publishes it.
 *
 * <p>Rules in order: {@code depth-guard} (a restored version failing again, beyond the policy's depth, is held and
 * escalated whatever else holds: people decide), {@code target-selection}, {@code rollout-step}, {@code open-execution},
 * {@code mode-off} / {@code mode-notify-only}, {@code on-inconclusive}, {@code freeze-window}, {@code cooldown},
 * {@code storm-guard}, {@code mode-approval}, {@code mode-auto}; then a dry run turns any outcome but SKIPPED into
 * DRY_RUN.
 */
public final class DecisionRules {

    public static final Duration STORM_WINDOW = Duration.ofHours(1);
    private static final int MAX_REASON_LENGTH = 2000;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DecisionRules() {
    }

    /** Automatic rollbacks in the environment within the last hour before the decision, and the policy's limit. */
    public record StormGuard(int count, int limit, Instant since, boolean trippedWithinWindow) {

        boolean tripped() {
            return count >= limit;
        }
    }

    /** A requested rollback of the target that deploy-service has not reported as done, failed or skipped. */
    public record OpenExecution(String decisionId, Decision decision, String fromVersion, String toVersion) {
    }

    /**
     * What the rules look at.
     *
     * @param selection    what the rollback policy (target selection) said about the failing deployment
     * @param depth        1 for a first rollback; n + 1 when the version rollback n ({@code restoredBy}) restored failed
     * @param stormGuard   null when the policy sets no {@code maxRollbacksPerHour}
     * @param freezeWindow the window in force now, with {@code freezeOccurrence}; null when none is
     * @param cooldownUntil the end of the cooldown after {@code lastRollbackId}, when still running; else null
     */
    public record Inputs(TriggerKind trigger, String anomalyId, String analysisId, String verdict, String evidence,
                         Integer rolloutStep, String service, String environment, String fromVersion,
                         DeploymentStatus deploymentStatus, String stableVersion, Verdict selection,
                         EffectivePolicy policy, Instant now, int depth, String restoredBy, OpenExecution openExecution,
                         StormGuard stormGuard, FreezeWindow freezeWindow, FreezeWindow.Occurrence freezeOccurrence,
                         Instant cooldownUntil, String lastRollbackId) {
    }

    /**
     * The decision.
     *
     * @param wouldBe      DRY_RUN: what it would have been; else null
     * @param escalate     publish {@code escalated} (depth guard) besides {@code decided}
     * @param guardTripped publish {@code guard-tripped}: the first decision past the storm limit within the hour
     * @param explanation  {@code {rule, reason, policy, inputs}}
     */
    public record Outcome(Decision decision, String toVersion, String rule, String reason, Decision wouldBe,
                          boolean escalate, boolean guardTripped, ObjectNode explanation) {
    }

    public static Outcome decide(Inputs in) {
        Outcome outcome = firstMatch(in);
        if (in.policy().dryRun() && outcome.decision() != Decision.SKIPPED) {
            String reason = "dry run (" + in.policy().describeSources() + "): would have " + words(outcome.decision())
                    + " because " + outcome.reason();
            return outcome(in, Decision.DRY_RUN, outcome.toVersion(), "dry-run", reason, outcome.decision(), false,
                    false);
        }
        return outcome;
    }

    private static Outcome firstMatch(Inputs in) {
        EffectivePolicy policy = in.policy();
        String policyName = policy.describeSources();
        String target = in.service() + " " + in.fromVersion();
        Verdict selection = in.selection();
        String toVersion = selection.decision() == Decision.ROLL_BACK ? selection.toVersion() : null;
        String evidence = in.evidence();
        if (in.restoredBy() != null && in.depth() > policy.maxDepth()) {
            return outcome(in, Decision.HELD, toVersion, "depth-guard", "the version rollback " + in.restoredBy()
                    + " restored failed its analysis too (depth " + in.depth() + ", maxDepth " + policy.maxDepth()
                    + " of " + policyName + "): no further automatic rollback, escalated to " + policy.escalationTeam()
                    + "; " + evidence, null, true, false);
        }
        if (selection.decision() != Decision.ROLL_BACK) {
            return outcome(in, Decision.SKIPPED, null, "target-selection", selection.reason(), null, false, false);
        }
        if (in.rolloutStep() != null) {
            // pulling a failing canary off its share of traffic only lowers risk: no policy holds it
            return outcome(in, Decision.ROLL_BACK, toVersion, "rollout-step", selection.reason(), null, false, false);
        }
        OpenExecution open = in.openExecution();
        if (open != null) {
            return outcome(in, Decision.SKIPPED, null, "open-execution", "rollback " + open.decisionId() + " of "
                    + in.service() + "/" + in.environment() + " (" + open.decision() + ", " + open.fromVersion() + " -> "
                    + open.toVersion() + ") is still being executed: no second decision; " + evidence, null, false,
                    false);
        }
        if (policy.mode() == PolicyMode.OFF) {
            return outcome(in, Decision.SKIPPED, null, "mode-off", policyName + " is off: " + target
                    + " is failing (" + evidence + "); nothing done", null, false, false);
        }
        if (policy.mode() == PolicyMode.NOTIFY_ONLY) {
            return outcome(in, Decision.HELD, toVersion, "mode-notify-only", policyName + " is notify-only: " + target
                    + " is failing (" + evidence + "); nothing executed, " + toVersion
                    + " is the version to go back to", null, false, false);
        }
        if (in.trigger() == TriggerKind.VERDICT) {
            if (policy.onInconclusive() == InconclusiveAction.IGNORE) {
                return outcome(in, Decision.SKIPPED, null, "on-inconclusive", policyName
                        + " ignores inconclusive verdicts (onInconclusive ignore): " + evidence, null, false, false);
            }
            if (policy.onInconclusive() == InconclusiveAction.HOLD) {
                return outcome(in, Decision.HELD, toVersion, "on-inconclusive", policyName
                        + " holds on inconclusive verdicts (onInconclusive hold): " + evidence + "; nothing executed, "
                        + toVersion + " is the version to go back to", null, false, false);
            }
        }
        String rollBack = "rolling " + target + " back to " + toVersion + " needs approval";
        if (in.freezeWindow() != null) {
            FreezeWindow.Occurrence occurrence = in.freezeOccurrence();
            return outcome(in, Decision.AWAITING_APPROVAL, toVersion, "freeze-window", "freeze window "
                    + occurrence.from() + " to " + occurrence.to()
                    + (in.freezeWindow().reason() != null ? " (" + in.freezeWindow().reason() + ")" : "") + " of "
                    + policyName + ": " + rollBack + "; " + evidence, null, false, false);
        }
        if (in.cooldownUntil() != null) {
            return outcome(in, Decision.AWAITING_APPROVAL, toVersion, "cooldown", "cooldown " + policy.cooldown()
                    + " of " + policyName + " after rollback " + in.lastRollbackId() + " (until " + in.cooldownUntil()
                    + "): " + rollBack + "; " + evidence, null, false, false);
        }
        StormGuard storm = in.stormGuard();
        if (storm != null && storm.tripped()) {
            return outcome(in, Decision.AWAITING_APPROVAL, toVersion, "storm-guard", "storm guard: " + storm.count()
                    + " automatic rollbacks in " + in.environment() + " within the last hour (limit " + storm.limit()
                    + ", " + policyName + "): " + rollBack + "; " + evidence, null, false,
                    !storm.trippedWithinWindow());
        }
        if (policy.mode() == PolicyMode.APPROVAL) {
            return outcome(in, Decision.AWAITING_APPROVAL, toVersion, "mode-approval", policyName
                    + " asks for approval: roll " + target + " back to " + toVersion + "? " + evidence, null, false,
                    false);
        }
        String auto = policy.sources().isEmpty()
                ? "no policy for " + in.service() + "/" + in.environment() + ": roll back automatically (mode auto) to "
                : policyName + ": roll back automatically (mode auto) to ";
        return outcome(in, Decision.ROLL_BACK, toVersion, "mode-auto", auto + toVersion + "; " + evidence, null, false,
                false);
    }

    private static String words(Decision decision) {
        return switch (decision) {
            case ROLL_BACK -> "rolled back";
            case HELD -> "held";
            case AWAITING_APPROVAL -> "asked for approval";
            default -> decision.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    private static Outcome outcome(Inputs in, Decision decision, String toVersion, String rule, String reason,
                                   Decision wouldBe, boolean escalate, boolean guardTripped) {
        String line = oneLine(reason);
        return new Outcome(decision, toVersion, rule, line, wouldBe, escalate, guardTripped,
                explanation(rule, line, in.policy(), inputs(in, wouldBe)));
    }

    /** One line of at most 2000 characters. */
    public static String oneLine(String reason) {
        String line = reason.replaceAll("[\\r\\n]+", " ");
        return line.length() > MAX_REASON_LENGTH ? line.substring(0, MAX_REASON_LENGTH - 3) + "..." : line;
    }

    public static ObjectNode explanation(String rule, String reason, EffectivePolicy policy, ObjectNode inputs) {
        ObjectNode explanation = JSON.objectNode();
        explanation.put("rule", rule);
        explanation.put("reason", oneLine(reason));
        explanation.set("policy", PolicyJson.effective(policy));
        explanation.set("inputs", inputs);
        return explanation;
    }

    static ObjectNode inputs(Inputs in, Decision wouldBe) {
        ObjectNode json = JSON.objectNode();
        json.put("trigger", in.trigger().wire());
        json.put("anomalyId", in.anomalyId());
        json.put("analysisId", in.analysisId());
        json.put("verdict", in.verdict());
        json.put("evidence", in.evidence());
        json.put("rolloutStep", in.rolloutStep());
        json.put("deploymentStatus", in.deploymentStatus() != null ? in.deploymentStatus().name() : null);
        json.put("stableVersion", in.stableVersion());
        json.put("depth", in.depth());
        json.put("restoredBy", in.restoredBy());
        json.put("openExecution", in.openExecution() != null ? in.openExecution().decisionId() : null);
        StormGuard storm = in.stormGuard();
        if (storm == null) {
            json.putNull("stormGuard");
        } else {
            json.putObject("stormGuard").put("count", storm.count()).put("limit", storm.limit())
                    .put("window", STORM_WINDOW.toString()).put("since", storm.since().toString());
        }
        if (in.freezeWindow() == null) {
            json.putNull("freezeWindow");
        } else {
            json.set("freezeWindow", PolicyJson.activeWindow(in.freezeWindow(), in.freezeOccurrence()));
        }
        json.put("cooldownUntil", in.cooldownUntil() != null ? in.cooldownUntil().toString() : null);
        json.put("lastRollbackId", in.lastRollbackId());
        json.putNull("requestedBy");
        json.put("wouldBe", wouldBe != null ? wouldBe.name() : null);
        return json;
    }

    /** A manual rollback's explanation: policies do not block a person, the policy is shown for information. */
    public static ObjectNode manual(String reason, EffectivePolicy policy, String requestedBy, DeploymentStatus status,
                                    String stableVersion) {
        ObjectNode inputs = JSON.objectNode();
        inputs.put("trigger", TriggerKind.MANUAL.wire());
        inputs.putNull("anomalyId");
        inputs.putNull("analysisId");
        inputs.putNull("verdict");
        inputs.putNull("evidence");
        inputs.putNull("rolloutStep");
        inputs.put("deploymentStatus", status != null ? status.name() : null);
        inputs.put("stableVersion", stableVersion);
        inputs.put("depth", 1);
        inputs.putNull("restoredBy");
        inputs.putNull("openExecution");
        inputs.putNull("stormGuard");
        inputs.putNull("freezeWindow");
        inputs.putNull("cooldownUntil");
        inputs.putNull("lastRollbackId");
        inputs.put("requestedBy", requestedBy);
        inputs.putNull("wouldBe");
        return explanation("manual", reason, policy, inputs);
    }
}
