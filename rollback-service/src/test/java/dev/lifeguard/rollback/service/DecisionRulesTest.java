package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.ApprovalTimeoutAction;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.InconclusiveAction;
import dev.lifeguard.rollback.PolicyMode;
import dev.lifeguard.rollback.TriggerKind;
import dev.lifeguard.rollback.policy.Verdict;
import dev.lifeguard.rollback.service.DecisionRules.Inputs;
import dev.lifeguard.rollback.service.DecisionRules.OpenExecution;
import dev.lifeguard.rollback.service.DecisionRules.Outcome;
import dev.lifeguard.rollback.service.DecisionRules.StormGuard;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision rules, one by one and in their order, with the reasons people read. */
class DecisionRulesTest {

    private static final String EVIDENCE = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";
    private static final Instant NOW = Instant.parse("2026-11-26T10:01:22Z");
    private static final Verdict ROLL_BACK_TO_1 = Verdict.rollBackTo("1.0.0", EVIDENCE);
    private static final EffectivePolicy DEFAULTS = EffectivePolicy.defaults(Duration.ofMinutes(15), "sre-oncall");
    private static final List<EffectivePolicy.Source> PRODUCTION_V3 =
            List.of(new EffectivePolicy.Source("production", null, 3));

    private InputsBuilder anomaly() {
        return new InputsBuilder();
    }

    @Test
    void withoutAPolicyAnAnomalyRollsBackAutomatically() {
        Outcome outcome = DecisionRules.decide(anomaly().build());

        assertThat(outcome.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(outcome.toVersion()).isEqualTo("1.0.0");
        assertThat(outcome.rule()).isEqualTo("mode-auto");
        assertThat(outcome.reason()).isEqualTo("no policy for checkout/production: roll back automatically (mode auto)"
                + " to 1.0.0; " + EVIDENCE);
        JsonNode explanation = outcome.explanation();
        assertThat(explanation.path("rule").asText()).isEqualTo("mode-auto");
        assertThat(explanation.path("reason").asText()).isEqualTo(outcome.reason());
        assertThat(explanation.at("/policy/mode").asText()).isEqualTo("auto");
        assertThat(explanation.at("/policy/sources").isEmpty()).isTrue();
        assertThat(explanation.at("/policy/approvalTimeout").asText()).isEqualTo("PT15M");
        assertThat(explanation.at("/policy/escalationTeam").asText()).isEqualTo("sre-oncall");
        assertThat(explanation.at("/inputs/trigger").asText()).isEqualTo("anomaly");
        assertThat(explanation.at("/inputs/evidence").asText()).isEqualTo(EVIDENCE);
        assertThat(explanation.at("/inputs/deploymentStatus").asText()).isEqualTo("RUNNING");
        assertThat(explanation.at("/inputs/depth").asInt()).isEqualTo(1);
        assertThat(explanation.at("/inputs/stormGuard").isNull()).isTrue();
        assertThat(explanation.at("/inputs/wouldBe").isNull()).isTrue();
    }

    @Test
    void theTargetSelectionSkipsFirstWhateverThePolicy() {
        Outcome outcome = DecisionRules.decide(anomaly().selection(Verdict.skip("no stable version to roll back to; "
                + EVIDENCE)).policy(policy(PolicyMode.APPROVAL).dryRun(true).build()).build());

        assertThat(outcome.decision()).as("a skip is no dry run either").isEqualTo(Decision.SKIPPED);
        assertThat(outcome.rule()).isEqualTo("target-selection");
        assertThat(outcome.reason()).isEqualTo("no stable version to roll back to; " + EVIDENCE);
        assertThat(outcome.toVersion()).isNull();
    }

    @Test
    void aRolloutStepRollsBackWhateverTheModeFreezeOrStormButNotInADryRun() {
        EffectivePolicy strict = policy(PolicyMode.APPROVAL).maxRollbacksPerHour(1).build();
        Outcome outcome = DecisionRules.decide(anomaly().rolloutStep(1).policy(strict)
                .storm(new StormGuard(5, 1, NOW.minus(Duration.ofHours(1)), true)).build());

        assertThat(outcome.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(outcome.rule()).isEqualTo("rollout-step");

        Outcome dry = DecisionRules.decide(anomaly().rolloutStep(1).policy(policy(PolicyMode.AUTO).dryRun(true).build())
                .build());
        assertThat(dry.decision()).isEqualTo(Decision.DRY_RUN);
        assertThat(dry.explanation().at("/inputs/wouldBe").asText()).isEqualTo("ROLL_BACK");
    }

    @Test
    void aRestoredVersionFailingBeyondMaxDepthIsHeldAndEscalatedEvenWithoutATarget() {
        Outcome outcome = DecisionRules.decide(anomaly().depth(2, "rollback-4")
                .selection(Verdict.skip("no stable version to roll back to; " + EVIDENCE)).build());

        assertThat(outcome.decision()).isEqualTo(Decision.HELD);
        assertThat(outcome.rule()).isEqualTo("depth-guard");
        assertThat(outcome.escalate()).isTrue();
        assertThat(outcome.toVersion()).isNull();
        assertThat(outcome.reason()).isEqualTo("the version rollback rollback-4 restored failed its analysis too (depth 2,"
                + " maxDepth 1 of no policy (defaults)): no further automatic rollback, escalated to sre-oncall; "
                + EVIDENCE);
        assertThat(outcome.explanation().at("/inputs/restoredBy").asText()).isEqualTo("rollback-4");
        assertThat(outcome.explanation().at("/inputs/depth").asInt()).isEqualTo(2);
    }

    @Test
    void withinMaxDepthARestoredVersionIsDecidedAsAnyOther() {
        Outcome outcome = DecisionRules.decide(anomaly().depth(2, "rollback-4")
                .policy(policy(PolicyMode.AUTO).maxDepth(2).build()).build());

        assertThat(outcome.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(outcome.rule()).isEqualTo("mode-auto");
        assertThat(outcome.escalate()).isFalse();
    }

    @Test
    void anOpenExecutionOfTheTargetGetsNoSecondDecision() {
        Outcome outcome = DecisionRules.decide(anomaly()
                .open(new OpenExecution("rollback-7", Decision.ROLL_BACK, "2.0.0", "1.0.0")).build());

        assertThat(outcome.decision()).isEqualTo(Decision.SKIPPED);
        assertThat(outcome.rule()).isEqualTo("open-execution");
        assertThat(outcome.reason()).isEqualTo("rollback rollback-7 of checkout/production (ROLL_BACK, 2.0.0 -> 1.0.0) is"
                + " still being executed: no second decision; " + EVIDENCE);
        assertThat(outcome.explanation().at("/inputs/openExecution").asText()).isEqualTo("rollback-7");
    }

    @Test
    void modeOffSkipsAndNotifyOnlyHolds() {
        Outcome off = DecisionRules.decide(anomaly().policy(policy(PolicyMode.OFF).build()).build());
        assertThat(off.decision()).isEqualTo(Decision.SKIPPED);
        assertThat(off.rule()).isEqualTo("mode-off");
        assertThat(off.reason()).startsWith("policy production v3 is off: checkout 2.0.0 is failing");

        Outcome notifyOnly = DecisionRules.decide(anomaly().policy(policy(PolicyMode.NOTIFY_ONLY).build()).build());
        assertThat(notifyOnly.decision()).isEqualTo(Decision.HELD);
        assertThat(notifyOnly.rule()).isEqualTo("mode-notify-only");
        assertThat(notifyOnly.toVersion()).isEqualTo("1.0.0");
        // the golden example's words
        assertThat(notifyOnly.reason()).isEqualTo("policy production v3 is notify-only: checkout 2.0.0 is failing ("
                + EVIDENCE + "); nothing executed, 1.0.0 is the version to go back to");
    }

    @Test
    void anInconclusiveVerdictIsIgnoredHeldOrDecidedAsAnAnomalyAsThePolicySays() {
        InputsBuilder verdict = anomaly().verdict();
        Outcome ignored = DecisionRules.decide(verdict.policy(policy(PolicyMode.AUTO).build()).build());
        assertThat(ignored.decision()).isEqualTo(Decision.SKIPPED);
        assertThat(ignored.rule()).isEqualTo("on-inconclusive");
        assertThat(ignored.reason()).startsWith("policy production v3 ignores inconclusive verdicts (onInconclusive ignore)");
        assertThat(ignored.explanation().at("/inputs/trigger").asText()).isEqualTo("verdict");
        assertThat(ignored.explanation().at("/inputs/verdict").asText()).isEqualTo("inconclusive");

        Outcome held = DecisionRules.decide(verdict.policy(policy(PolicyMode.AUTO)
                .onInconclusive(InconclusiveAction.HOLD).build()).build());
        assertThat(held.decision()).isEqualTo(Decision.HELD);
        assertThat(held.rule()).isEqualTo("on-inconclusive");

        Outcome rolledBack = DecisionRules.decide(verdict.policy(policy(PolicyMode.AUTO)
                .onInconclusive(InconclusiveAction.ROLLBACK).build()).build());
        assertThat(rolledBack.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(rolledBack.rule()).isEqualTo("mode-auto");

        Outcome asked = DecisionRules.decide(verdict.policy(policy(PolicyMode.APPROVAL)
                .onInconclusive(InconclusiveAction.ROLLBACK).build()).build());
        assertThat(asked.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(asked.rule()).isEqualTo("mode-approval");
    }

    @Test
    void aFreezeWindowInForceAsksForApproval() {
        FreezeWindow window = new FreezeWindow(NOW.minusSeconds(60), NOW.plusSeconds(3600), null, null, null,
                "Black Friday");
        Outcome outcome = DecisionRules.decide(anomaly().policy(policy(PolicyMode.AUTO).freeze(window).build())
                .frozen(window).build());

        assertThat(outcome.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(outcome.rule()).isEqualTo("freeze-window");
        assertThat(outcome.reason()).isEqualTo("freeze window 2026-11-26T10:00:22Z to 2026-11-26T11:01:22Z (Black Friday)"
                + " of policy production v3: rolling checkout 2.0.0 back to 1.0.0 needs approval; " + EVIDENCE);
        assertThat(outcome.explanation().at("/inputs/freezeWindow/from").asText()).isEqualTo("2026-11-26T10:00:22Z");
        assertThat(outcome.explanation().at("/inputs/freezeWindow/reason").asText()).isEqualTo("Black Friday");
        assertThat(outcome.explanation().at("/policy/freezeWindows/0/to").asText()).isEqualTo("2026-11-26T11:01:22Z");
    }

    @Test
    void withinTheCooldownOfTheLastRollbackOfTheTargetApprovalIsNeeded() {
        Outcome outcome = DecisionRules.decide(anomaly().policy(policy(PolicyMode.AUTO)
                .cooldown(Duration.ofMinutes(30)).build()).cooldown(NOW.plusSeconds(600), "rollback-1").build());

        assertThat(outcome.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(outcome.rule()).isEqualTo("cooldown");
        assertThat(outcome.reason()).startsWith("cooldown PT30M of policy production v3 after rollback rollback-1 (until"
                + " 2026-11-26T10:11:22Z): rolling checkout 2.0.0 back to 1.0.0 needs approval");
        assertThat(outcome.explanation().at("/inputs/cooldownUntil").asText()).isEqualTo("2026-11-26T10:11:22Z");
        assertThat(outcome.explanation().at("/inputs/lastRollbackId").asText()).isEqualTo("rollback-1");
    }

    @Test
    void theStormGuardAsksForApprovalAtItsLimitAndTripsOncePerWindow() {
        EffectivePolicy limited = policy(PolicyMode.AUTO).maxRollbacksPerHour(5).build();
        Instant since = NOW.minus(Duration.ofHours(1));

        Outcome below = DecisionRules.decide(anomaly().policy(limited).storm(new StormGuard(4, 5, since, false)).build());
        assertThat(below.decision()).isEqualTo(Decision.ROLL_BACK);
        assertThat(below.explanation().at("/inputs/stormGuard/count").asInt()).isEqualTo(4);

        Outcome first = DecisionRules.decide(anomaly().policy(limited).storm(new StormGuard(5, 5, since, false)).build());
        assertThat(first.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(first.rule()).isEqualTo("storm-guard");
        assertThat(first.guardTripped()).isTrue();
        assertThat(first.reason()).startsWith("storm guard: 5 automatic rollbacks in production within the last hour "
                + "(limit 5, policy production v3): rolling checkout 2.0.0 back to 1.0.0 needs approval");
        assertThat(first.explanation().at("/inputs/stormGuard/window").asText()).isEqualTo("PT1H");
        assertThat(first.explanation().at("/inputs/stormGuard/since").asText()).isEqualTo(since.toString());

        Outcome next = DecisionRules.decide(anomaly().policy(limited).storm(new StormGuard(5, 5, since, true)).build());
        assertThat(next.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(next.guardTripped()).as("tripped once per window").isFalse();
    }

    @Test
    void modeApprovalAsksInTheGoldenExamplesWords() {
        Outcome outcome = DecisionRules.decide(anomaly().policy(policy(PolicyMode.APPROVAL).build()).build());

        assertThat(outcome.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(outcome.rule()).isEqualTo("mode-approval");
        assertThat(outcome.reason()).isEqualTo("policy production v3 asks for approval: roll checkout 2.0.0 back to "
                + "1.0.0? " + EVIDENCE);
    }

    @Test
    void rulesApplyInOrderFirstMatchWins() {
        FreezeWindow window = new FreezeWindow(NOW.minusSeconds(60), NOW.plusSeconds(60), null, null, null, null);
        EffectivePolicy everything = policy(PolicyMode.APPROVAL).freeze(window).cooldown(Duration.ofHours(1))
                .maxRollbacksPerHour(1).build();
        InputsBuilder all = anomaly().policy(everything).frozen(window).cooldown(NOW.plusSeconds(60), "rollback-1")
                .storm(new StormGuard(3, 1, NOW.minus(Duration.ofHours(1)), false));

        assertThat(DecisionRules.decide(all.build()).rule()).isEqualTo("freeze-window");
        assertThat(DecisionRules.decide(all.frozen(null).build()).rule()).isEqualTo("cooldown");
        assertThat(DecisionRules.decide(all.cooldown(null, "rollback-1").build()).rule()).isEqualTo("storm-guard");
        assertThat(DecisionRules.decide(all.storm(null).build()).rule()).isEqualTo("mode-approval");
        assertThat(DecisionRules.decide(all.open(new OpenExecution("r", Decision.MANUAL, "2.0.0", "1.0.0")).build())
                .rule()).isEqualTo("open-execution");
    }

    @Test
    void aDryRunDecidesAndExplainsButExecutesNothing() {
        Outcome outcome = DecisionRules.decide(anomaly().policy(policy(PolicyMode.AUTO).dryRun(true).build()).build());

        assertThat(outcome.decision()).isEqualTo(Decision.DRY_RUN);
        assertThat(outcome.rule()).isEqualTo("dry-run");
        assertThat(outcome.toVersion()).isEqualTo("1.0.0");
        assertThat(outcome.reason()).isEqualTo("dry run (policy production v3): would have rolled back because policy "
                + "production v3: roll back automatically (mode auto) to 1.0.0; " + EVIDENCE);
        assertThat(outcome.explanation().at("/inputs/wouldBe").asText()).isEqualTo("ROLL_BACK");
        assertThat(outcome.explanation().at("/policy/dryRun").asBoolean()).isTrue();

        Outcome storm = DecisionRules.decide(anomaly().policy(policy(PolicyMode.AUTO).dryRun(true).maxRollbacksPerHour(1)
                .build()).storm(new StormGuard(1, 1, NOW.minus(Duration.ofHours(1)), false)).build());
        assertThat(storm.decision()).isEqualTo(Decision.DRY_RUN);
        assertThat(storm.guardTripped()).as("a dry run publishes nothing but decided").isFalse();
        assertThat(storm.explanation().at("/inputs/wouldBe").asText()).isEqualTo("AWAITING_APPROVAL");

        Outcome depth = DecisionRules.decide(anomaly().policy(policy(PolicyMode.AUTO).dryRun(true).build())
                .depth(2, "rollback-4").build());
        assertThat(depth.decision()).isEqualTo(Decision.DRY_RUN);
        assertThat(depth.escalate()).isFalse();
        assertThat(depth.explanation().at("/inputs/wouldBe").asText()).isEqualTo("HELD");
    }

    @Test
    void aManualRollbackIsExplainedWithThePolicyForInformation() {
        JsonNode explanation = DecisionRules.manual("manual (requested by alice): 502s", DEFAULTS, "alice",
                DeploymentStatus.RUNNING, "1.0.0");

        assertThat(explanation.path("rule").asText()).isEqualTo("manual");
        assertThat(explanation.path("reason").asText()).isEqualTo("manual (requested by alice): 502s");
        assertThat(explanation.at("/inputs/trigger").asText()).isEqualTo("manual");
        assertThat(explanation.at("/inputs/requestedBy").asText()).isEqualTo("alice");
        assertThat(explanation.at("/policy/mode").asText()).isEqualTo("auto");
    }

    @Test
    void aReasonIsOneLineOfAtMost2000Characters() {
        String reason = DecisionRules.oneLine("a\nb" + "x".repeat(3000));
        assertThat(reason).doesNotContain("\n").hasSize(2000).endsWith("...");
    }

    /** A failing checkout 2.0.0 in production, running, 1.0.0 its stable version; each setter changes one input. */
    private static final class InputsBuilder {
        private TriggerKind trigger = TriggerKind.ANOMALY;
        private String verdict;
        private Integer rolloutStep;
        private Verdict selection = ROLL_BACK_TO_1;
        private EffectivePolicy policy = DEFAULTS;
        private int depth = 1;
        private String restoredBy;
        private OpenExecution open;
        private StormGuard storm;
        private FreezeWindow frozen;
        private Instant cooldownUntil;
        private String lastRollbackId;

        InputsBuilder verdict() {
            trigger = TriggerKind.VERDICT;
            verdict = "inconclusive";
            return this;
        }

        InputsBuilder rolloutStep(int step) {
            rolloutStep = step;
            return this;
        }

        InputsBuilder selection(Verdict value) {
            selection = value;
            return this;
        }

        InputsBuilder policy(EffectivePolicy value) {
            policy = value;
            return this;
        }

        InputsBuilder depth(int value, String restoredByRollback) {
            depth = value;
            restoredBy = restoredByRollback;
            return this;
        }

        InputsBuilder open(OpenExecution value) {
            open = value;
            return this;
        }

        InputsBuilder storm(StormGuard value) {
            storm = value;
            return this;
        }

        InputsBuilder frozen(FreezeWindow window) {
            frozen = window;
            return this;
        }

        InputsBuilder cooldown(Instant until, String lastRollback) {
            cooldownUntil = until;
            lastRollbackId = lastRollback;
            return this;
        }

        Inputs build() {
            return new Inputs(trigger, trigger == TriggerKind.ANOMALY ? "anomaly-3" : null, "d-2", verdict, EVIDENCE,
                    rolloutStep, "checkout", "production", "2.0.0", DeploymentStatus.RUNNING, "1.0.0", selection,
                    policy, NOW, depth, restoredBy, open, storm, frozen,
                    frozen != null ? frozen.activeAt(NOW).orElseThrow() : null, cooldownUntil, lastRollbackId);
        }
    }

    private static PolicyBuilder policy(PolicyMode mode) {
        return new PolicyBuilder(mode);
    }

    /** An effective policy as the policies' merge makes it, from the environment's policy v3. */
    private static final class PolicyBuilder {
        private final PolicyMode mode;
        private InconclusiveAction onInconclusive = InconclusiveAction.IGNORE;
        private Duration cooldown;
        private Integer maxRollbacksPerHour;
        private List<FreezeWindow> windows = List.of();
        private boolean dryRun;
        private int maxDepth = 1;

        PolicyBuilder(PolicyMode mode) {
            this.mode = mode;
        }

        PolicyBuilder onInconclusive(InconclusiveAction action) {
            onInconclusive = action;
            return this;
        }

        PolicyBuilder cooldown(Duration value) {
            cooldown = value;
            return this;
        }

        PolicyBuilder maxRollbacksPerHour(int value) {
            maxRollbacksPerHour = value;
            return this;
        }

        PolicyBuilder freeze(FreezeWindow window) {
            windows = List.of(window);
            return this;
        }

        PolicyBuilder dryRun(boolean value) {
            dryRun = value;
            return this;
        }

        PolicyBuilder maxDepth(int value) {
            maxDepth = value;
            return this;
        }

        EffectivePolicy build() {
            return new EffectivePolicy(PRODUCTION_V3, mode, onInconclusive, cooldown, maxRollbacksPerHour, windows,
                    dryRun, Duration.ofMinutes(15), ApprovalTimeoutAction.HOLD, "sre-oncall", maxDepth);
        }
    }
}
