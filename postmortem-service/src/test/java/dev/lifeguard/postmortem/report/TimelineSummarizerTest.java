package dev.lifeguard.postmortem.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineSummarizerTest {

    private static final CloudEventReader READER = new CloudEventReader(new ObjectMapper());

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dev.cdevents.service.deployed.0.3.0 | checkout 1.0.0 deployed to production (commit a1b2c3d, team payments)",
            "dev.cdevents.service.upgraded.0.3.0 | checkout upgraded from 1.0.0 to 2.0.0 in production (commit e4f5a6b, team payments)",
            "dev.cdevents.incident.detected.0.3.0 | Anomaly on checkout 2.0.0 in production: error_rate > 0.05 for 3 consecutive samples; observed 0.21, 0.34, 0.4",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0 | Analysis of checkout 2.0.0 in production failed: error_rate above 0.05 for 3 consecutive samples (threshold, statistic 0.4)",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0 | Rollback of checkout in production from 2.0.0 to 1.0.0 requested (ROLL_BACK, rule mode-auto): no policy for checkout/production: roll back automatically (mode auto) to 1.0.0; error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
            "dev.cdevents.service.rolledback.0.3.0 | checkout rolled back from 2.0.0 to 1.0.0 in production (executor record)",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0 | Rollback of checkout in production from 2.0.0 to 1.0.0 FAILED after 3 attempts (executor webhook): webhook https://deploy.example.com/rollback answered 503 Service Unavailable (3 attempts over 1m10s); 2.0.0 still runs",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0 | Rollback of checkout in production from 2.0.0 to 1.0.0 not carried out: deployment d-0002 is no longer current: 2.1.0 replaced it",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0 | Rollback of checkout in production from 2.0.0 to 1.0.0 accepted (executor manual), waiting for completion: manual rollback: roll checkout back to 1.0.0 in production, then report it; complete with POST /api/v1/rollbacks/rollback-0004/complete",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0 | Team payments notified via webhook: checkout rolled back to 1.0.0 in production"})
    void summarisesEachGoldenExampleInOneSentence(String type, String expected) {
        assertThat(TimelineSummarizer.summarize(event(example(type)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dev.cdeventsx.lifeguard-rollout.gated.0.1.0 | checkout 2.0.1 held at the redeploy gate in production: checkout/production was rolled back (rollback rollback-0004): 2.0.1 needs passing test evidence first (required suites: any, no failures)",
            "dev.cdeventsx.lifeguard-rollout.released.0.1.0 | checkout 2.0.1 released from the redeploy gate in production on test evidence: 412 passed, 0 failed (unit, integration, e2e)",
            "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0 | checkout 2.0.1 canary step 2 of 5 in production: pause 5m, analysing against 1.0.0 (analysis d-0003#1)",
            "dev.cdeventsx.lifeguard-rollout.paused.0.1.0 | checkout 2.0.1 canary paused in production at step 2 of 5 (10% of traffic) by analysis: analysis of step 2 inconclusive: error_rate: 3 samples, fewer than the 5 required",
            "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0 | checkout 2.0.1 takes all traffic in production, replacing 1.0.0 (every step passed)",
            "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0 | checkout 2.0.1 canary ABORTED in production at step 2 of 5 (10% of traffic) by analysis: analysis of step 2 failed: error_rate: canary 0.21 above stable 0.01 (Mann-Whitney U p=0.002); all traffic back to 1.0.0 (rollback abort-d-0003)"})
    void summarisesEachRolloutExampleInOneSentence(String type, String expected) {
        assertThat(TimelineSummarizer.summarize(event(example(type)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dev.cdeventsx.lifeguard-rollback.decided.0.1.0.json | Decision on checkout 2.0.0 in production: AWAITING_APPROVAL (rule mode-approval): policy production v3 asks for approval: roll checkout 2.0.0 back to 1.0.0? error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
            "dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved | Decision on checkout 2.0.0 in production changed from AWAITING_APPROVAL to APPROVED by alice (rule approved): approved by alice (\"error rate is real, go\"): roll checkout 2.0.0 back to 1.0.0",
            "dev.cdeventsx.lifeguard-rollback.decided.0.1.0.held | Decision on checkout 2.0.0 in production: HELD (rule mode-notify-only): policy production v3 is notify-only: checkout 2.0.0 is failing (error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0); nothing executed, 1.0.0 is the version to go back to",
            "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0 | Approval requested for the rollback of checkout from 2.0.0 to 1.0.0 in production (rule mode-approval): answer by 2026-11-26 10:16:22 UTC (15m); on timeout: escalate to sre-leads, then hold",
            "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0 | Escalated to team sre-leads: nobody approved the rollback of checkout from 2.0.0 to 1.0.0 in production in time; then hold: nobody answered the approval within PT15M: escalated to sre-leads; held (onApprovalTimeout hold), approve or reject it by hand",
            "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0 | Storm guard tripped in production: 5 automatic rollbacks within 1h (limit 5); automatic rollbacks there need approval, starting with checkout 2.0.0 (AWAITING_APPROVAL)"})
    void summarisesEachDecisionExampleInOneSentenceWithItsRuleAndReason(String example, String expected) {
        assertThat(TimelineSummarizer.summarize(event(example(example)))).isEqualTo(expected);
    }

    @Test
    void decisionVariantsSayTheDryRunTheTimeoutTheRejectionAndTheDepthGuard() {
        String held = example("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.held");
        String dryRun = held.replace("\"decision\": \"HELD\"", "\"decision\": \"DRY_RUN\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"dry-run\"")
                .replace("\"wouldBe\": null", "\"wouldBe\": \"ROLL_BACK\"");
        String timedOut = held.replace("\"previousDecision\": null", "\"previousDecision\": \"AWAITING_APPROVAL\"")
                .replace("\"settledBy\": null", "\"settledBy\": \"timeout\"")
                .replace("\"rule\": \"mode-notify-only\"", "\"rule\": \"approval-timeout\"");
        String rejected = example("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved")
                .replace("\"decision\": \"APPROVED\"", "\"decision\": \"REJECTED\"")
                .replace("\"settledBy\": \"alice\"", "\"settledBy\": \"bob\"")
                .replace("\"settleReason\": \"error rate is real, go\"", "\"settleReason\": \"a load test\"")
                .replace("\"rule\": \"approved\"", "\"rule\": \"rejected\"");
        String depthGuard = example("dev.cdeventsx.lifeguard-rollback.escalated.0.1.0")
                .replace("\"escalatedBecause\": \"approval-timeout\"", "\"escalatedBecause\": \"depth-guard\"");

        assertThat(TimelineSummarizer.summarize(event(dryRun))).startsWith("Decision on checkout 2.0.0 in production:"
                + " DRY_RUN, would have been ROLL_BACK (rule dry-run): policy production v3");
        assertThat(TimelineSummarizer.summarize(event(timedOut))).startsWith("Decision on checkout 2.0.0 in production"
                + " changed from AWAITING_APPROVAL to HELD when its approval timed out (rule approval-timeout): ");
        assertThat(TimelineSummarizer.summarize(event(rejected))).startsWith("Decision on checkout 2.0.0 in production"
                + " changed from AWAITING_APPROVAL to REJECTED by bob (\"a load test\") (rule rejected): ");
        assertThat(TimelineSummarizer.summarize(event(depthGuard))).startsWith("Escalated to team sre-leads: the"
                + " version a rollback of checkout in production restored failed too (depth guard); then hold: ");
    }

    @Test
    void rolloutVariantsSayWhoAndWhereTheTrafficIs() {
        String override = example("dev.cdeventsx.lifeguard-rollout.released.0.1.0")
                .replace("\"releasedBy\": \"evidence\"", "\"releasedBy\": \"override\", \"requestedBy\": \"alice\"")
                .replaceFirst("\"reason\": \"[^\"]*\"", "\"reason\": \"hotfix checked by hand\"");
        String setWeight = example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"kind\": \"pause\",", "\"kind\": \"set-weight\", \"weight\": 50,")
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null");
        String waitsForPromotion = example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"duration\": \"PT5M\"", "\"duration\": null")
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null");
        String promotedByPerson = example("dev.cdeventsx.lifeguard-rollout.promoted.0.1.0")
                .replace("\"promotedBy\": \"steps\"", "\"promotedBy\": \"person\", \"requestedBy\": \"bob\"")
                .replace("\"reason\": \"every step passed\"", "\"reason\": \"looks good\"");
        String stepVerdict = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0003\", \"rolloutStep\": 1,");
        String abortRollback = example("dev.cdevents.service.rolledback.0.3.0")
                .replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"executor\", \"rolloutAborted\": true");

        assertThat(TimelineSummarizer.summarize(event(override))).isEqualTo("checkout 2.0.1 released from the redeploy"
                + " gate in production by override (alice): hotfix checked by hand");
        assertThat(TimelineSummarizer.summarize(event(setWeight)))
                .isEqualTo("checkout 2.0.1 canary step 2 of 5 in production: 50% of traffic");
        assertThat(TimelineSummarizer.summarize(event(waitsForPromotion)))
                .isEqualTo("checkout 2.0.1 canary step 2 of 5 in production: pause until promoted");
        assertThat(TimelineSummarizer.summarize(event(promotedByPerson)))
                .isEqualTo("checkout 2.0.1 takes all traffic in production, replacing 1.0.0 (promoted by bob): looks good");
        assertThat(TimelineSummarizer.summarize(event(stepVerdict)))
                .startsWith("Analysis of step 2 of checkout 2.0.0 in production failed: ");
        assertThat(TimelineSummarizer.summarize(event(abortRollback))).isEqualTo("checkout rolled back from 2.0.0 to"
                + " 1.0.0 in production after its rollout was aborted (executor record)");
    }

    @Test
    void leavesOutWhatTheEventDoesNotSay() {
        String bareDeployment = example("dev.cdevents.service.upgraded.0.3.0")
                .replace("\"previousVersion\": \"1.0.0\"", "\"previousVersion\": null")
                .replace("\"team\": \"payments\",", "")
                .replace("\"commit\": \"e4f5a6b\",", "");
        String anomalyWithoutRule = example("dev.cdevents.incident.detected.0.3.0")
                .replace("\"rule\": \"error_rate > 0.05 for 3 consecutive samples\",", "");

        assertThat(TimelineSummarizer.summarize(event(bareDeployment))).isEqualTo("checkout 2.0.0 deployed to production");
        assertThat(TimelineSummarizer.summarize(event(anomalyWithoutRule))).isEqualTo(
                "Anomaly on checkout 2.0.0 in production: error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0"
                        + " in production; observed 0.21, 0.34, 0.4");
    }

    @Test
    void undecidedAnalysisNamesTheUndecidedMetricAndWhatEndedIt() {
        String inconclusive = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"inconclusive\"")
                .replace("\"endedBy\": \"failure\"", "\"endedBy\": \"superseded\"")
                .replace("\"verdict\": \"failed\"", "\"verdict\": \"passed\"");
        String passed = inconclusive.replace("\"outcome\": \"inconclusive\"", "\"outcome\": \"passed\"")
                .replace("\"verdict\": \"inconclusive\"", "\"verdict\": \"passed\"")
                .replace("\"reason\": \"error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production\"",
                        "\"reason\": \"every metric stayed within its bounds\"");

        assertThat(TimelineSummarizer.summarize(event(inconclusive))).isEqualTo("Analysis of checkout 2.0.0 in production"
                + " inconclusive: 2 intervals so far, the canary detector needs 3 (canary); ended by superseded");
        assertThat(TimelineSummarizer.summarize(event(passed)))
                .isEqualTo("Analysis of checkout 2.0.0 in production passed: every metric stayed within its bounds");
    }

    @Test
    void rollbackSaysWhenSomeoneElseDidIt() {
        String rolledBack = example("dev.cdevents.service.rolledback.0.3.0");
        String byCi = rolledBack.replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"ci\"")
                .replace("\"executor\": \"record\"", "\"executor\": null");
        String byPerson = rolledBack.replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"person\"")
                .replace("\"executor\": \"record\"", "\"executor\": \"manual\"");

        assertThat(TimelineSummarizer.summarize(event(byCi))).isEqualTo("checkout rolled back from 2.0.0 to 1.0.0 in"
                + " production outside Lifeguard, with a CD tool (reported by CI)");
        assertThat(TimelineSummarizer.summarize(event(byPerson))).isEqualTo("checkout rolled back from 2.0.0 to 1.0.0 in"
                + " production by hand (reported by a person, executor manual)");
    }

    @Test
    void failedRollbackWithNothingToGoBackToAndOneAttemptReadsRight() {
        String failed = example("dev.cdeventsx.lifeguard-rollback.failed.0.1.0")
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": null")
                .replace("\"executor\": \"webhook\"", "\"executor\": null")
                .replace("\"attempts\": 3", "\"attempts\": 1");

        assertThat(TimelineSummarizer.summarize(event(failed))).startsWith("Rollback of checkout in production from 2.0.0"
                + " FAILED after 1 attempt: webhook").endsWith("; 2.0.0 still runs");
    }

    @Test
    void urgentNotificationSaysHowUrgent() {
        String critical = example("dev.cdeventsx.lifeguard-notification.published.0.1.0")
                .replace("\"urgency\": \"normal\"", "\"urgency\": \"critical\"");

        assertThat(TimelineSummarizer.summarize(event(critical)))
                .isEqualTo("Team payments notified via webhook (critical): checkout rolled back to 1.0.0 in production");
    }

    private static String example(String type) {
        return EventContract.read(EventContract.examples(type).get(0));
    }

    private static ChainEvent event(String json) {
        return ChainEvent.read(READER.read(json, null)).orElseThrow();
    }
}
