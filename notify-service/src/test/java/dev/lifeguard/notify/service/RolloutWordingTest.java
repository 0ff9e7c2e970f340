package dev.lifeguard.notify.service;

import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.event.NotifiableEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What teams read about the redeploy gate and each rollout transition, from the golden examples and variants. */
class RolloutWordingTest {

    private final NotificationComposer composer = new NotificationComposer();

    @Test
    void gatedSaysWhatEvidenceIsNeededAndHowToOverride() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_GATED));

        assertThat(content.title())
                .isEqualTo("checkout 2.0.1 held at the redeploy gate in production: test evidence needed");
        assertThat(content.text()).isEqualTo("checkout/production was rolled back (rollback rollback-0004): 2.0.1 needs"
                + " passing test evidence first (required suites: any, no failures)."
                + " Needed: a passing run of at least one test suite, with no failures, for 2.0.1 (a"
                + " testsuiterun.finished with outcome pass from CI for this artifact or chain, or a \"tests\" field on"
                + " the deployment). To release it without evidence: POST /api/v1/deployments/d-0003/override"
                + " {\"reason\": \"...\"} with an operator's token. 1.0.0 keeps serving meanwhile. It fixes incident-0004.");
        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.chainId()).isEqualTo("5a1b2c3d-0003-4e5f-8a9b-000000000003");
    }

    @Test
    void gatedNamesTheRequiredSuites() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_GATED)
                .replace("\"requiredSuites\": []", "\"requiredSuites\": [\"unit\", \"e2e\"]"));

        assertThat(content.text()).contains("Needed: a passing run of the suites unit, e2e for 2.0.1");
    }

    @Test
    void releasedOnEvidenceSummarisesIt() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_RELEASED));

        assertThat(content.title()).isEqualTo("checkout 2.0.1 released from the redeploy gate in production on test evidence");
        assertThat(content.text()).isEqualTo("Test evidence: 412 passed, 0 failed (unit, integration, e2e)."
                + " The canary rollout of 2.0.1 starts now.");
    }

    @Test
    void releasedByOverrideSaysWhoAndWhy() {
        NotificationContent content = compose(GoldenEvents.releasedByOverride("checkout", "e-1"));

        assertThat(content.title())
                .isEqualTo("checkout 2.0.1 released from the redeploy gate in production by override (alice)");
        assertThat(content.text()).isEqualTo("alice overrode the gate without test evidence: hotfix verified by hand on"
                + " staging. The canary rollout of 2.0.1 starts now.");
    }

    @Test
    void pauseStepWithAnAnalysisSaysWhatIsAnalysedForHowLongAndAgainstWhat() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_STEP_STARTED));

        assertThat(content.title())
                .isEqualTo("checkout 2.0.1 canary at 10%: analysing for 5m against 1.0.0 in production");
        assertThat(content.text()).isEqualTo("Step 2 of 5: 10% of traffic on 2.0.1; analysing 2.0.1 for 5m against"
                + " 1.0.0; the next step follows when the analysis passes.");
        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
    }

    @Test
    void setWeightStepSaysWhereTheTrafficIs() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_STEP_STARTED)
                .replace("\"kind\": \"pause\",\n          \"duration\": \"PT5M\"", "\"kind\": \"set-weight\", \"weight\": 50")
                .replace("\"stepIndex\": 1", "\"stepIndex\": 2")
                .replace("\"weight\": 10", "\"weight\": 50")
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null"));

        assertThat(content.title()).isEqualTo("checkout 2.0.1 canary at 50% of traffic in production");
        assertThat(content.text()).isEqualTo("Step 3 of 5: 50% of traffic on 2.0.1, 50% on 1.0.0.");
    }

    @Test
    void pauseWithoutDurationSaysHowToPromote() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_STEP_STARTED)
                .replace("\"duration\": \"PT5M\"", "\"duration\": null")
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null"));

        assertThat(content.title()).isEqualTo("checkout 2.0.1 canary at 10% waits for promotion in production");
        assertThat(content.text()).contains("POST /api/v1/deployments/d-0003/promote (body {\"full\": true} to go"
                + " straight to all traffic)", "POST /api/v1/deployments/d-0003/abort");
    }

    @Test
    void pausedByTheAnalysisSaysWhyAndHowToGoOnAndCallsPeopleIn() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_PAUSED));

        assertThat(content.title()).isEqualTo("checkout 2.0.1 canary paused at 10% by analysis in production");
        assertThat(content.text()).isEqualTo("Paused at step 2 of 5 with 10% of traffic on 2.0.1: analysis of step 2"
                + " inconclusive: error_rate: 3 samples, fewer than the 5 required. To go on: POST"
                + " /api/v1/deployments/d-0003/resume, or POST /api/v1/deployments/d-0003/promote to move to the next"
                + " step, or POST /api/v1/deployments/d-0003/abort {\"reason\": \"...\"} to send all traffic back to"
                + " 1.0.0.");
        assertThat(content.urgency()).isEqualTo(Urgency.HIGH);
    }

    @Test
    void pausedByTheExecutorIsUrgentAndByAPersonIsNot() {
        String byExecutor = GoldenEvents.json(GoldenEvents.ROLLOUT_PAUSED)
                .replace("\"pausedBy\": \"analysis\"", "\"pausedBy\": \"executor\"");
        String byPerson = GoldenEvents.json(GoldenEvents.ROLLOUT_PAUSED)
                .replace("\"pausedBy\": \"analysis\"", "\"pausedBy\": \"person\", \"requestedBy\": \"bob\"");

        assertThat(compose(byExecutor).urgency()).isEqualTo(Urgency.HIGH);
        assertThat(compose(byExecutor).text()).contains("/resume (retries the step)");
        assertThat(compose(byPerson).urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(compose(byPerson).title()).isEqualTo("checkout 2.0.1 canary paused at 10% by bob in production");
    }

    @Test
    void promotedSaysTheNewVersionTakesAllTraffic() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_PROMOTED));

        assertThat(content.title()).isEqualTo("checkout 2.0.1 takes all traffic in production");
        assertThat(content.text()).isEqualTo("2.0.1 takes all traffic in production, replacing 1.0.0 (every step of"
                + " the canary passed). It fixes incident-0004.");
        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
    }

    @Test
    void abortedIsCriticalSaysWhyAndThatTrafficGoesBackToStable() {
        NotificationContent content = compose(GoldenEvents.json(GoldenEvents.ROLLOUT_ABORTED));

        assertThat(content.title())
                .isEqualTo("Rollout of checkout 2.0.1 ABORTED in production: all traffic back to 1.0.0");
        assertThat(content.text()).isEqualTo("analysis of step 2 failed: error_rate: canary 0.21 above stable 0.01"
                + " (Mann-Whitney U p=0.002). Aborted at step 2 of 5 with 10% of traffic on 2.0.1, by its failed"
                + " analysis: all traffic goes back to 1.0.0 (rollback abort-d-0003).");
        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
    }

    @Test
    void stepAnalysisVerdictIsNotWordedAsTheDeploymentsVerdict() {
        NotificationContent failed = compose(GoldenEvents.stepAnalysis("checkout", "e-2", 1, "failed"));
        NotificationContent inconclusive = compose(GoldenEvents.stepAnalysis("checkout", "e-3", 3, "inconclusive"));

        assertThat(failed.title()).isEqualTo("Rollout step 2 analysis failed for checkout 2.0.1 in production: error_rate");
        assertThat(failed.text()).endsWith("The rollout of 2.0.1 is aborted: all traffic goes back to 1.0.0.")
                .doesNotContain("Last good version");
        assertThat(inconclusive.title()).startsWith("Rollout step 4 analysis inconclusive for checkout 2.0.1");
        assertThat(inconclusive.text()).endsWith("pauses until someone resumes, promotes or aborts it.")
                .doesNotContain("runs unverified");
    }

    @Test
    void deploymentReachedThroughARolloutAndTheAbortsRollbackSayWhatHappened() {
        String upgraded = GoldenEvents.json(GoldenEvents.UPGRADED).replace("\"ciEventId\": \"ci-0002\"",
                "\"ciEventId\": \"ci-0002\", \"fixes\": [\"incident-0004\"], \"strategy\": {\"type\": \"canary\"}");
        String rolledBack = GoldenEvents.json(GoldenEvents.ROLLEDBACK).replace("\"reportedBy\": \"executor\"",
                "\"reportedBy\": \"executor\", \"rolloutAborted\": true");

        assertThat(compose(upgraded).text()).isEqualTo("checkout 2.0.0 is now running in production, replacing 1.0.0"
                + " (commit e4f5a6b), after a canary rollout; it fixes incident-0004.");
        assertThat(compose(rolledBack).title()).isEqualTo("checkout back on 1.0.0 in production: rollout of 2.0.0 aborted");
        assertThat(compose(rolledBack).text()).startsWith("All traffic of checkout in production is back on 1.0.0; the"
                + " rollout of 2.0.0 was aborted and 2.0.0 removed. Reason: ");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(RolloutWording.duration("PT5M")).isEqualTo("5m");
        assertThat(RolloutWording.duration("PT1H30M")).isEqualTo("1h 30m");
        assertThat(RolloutWording.duration("PT30S")).isEqualTo("30s");
        assertThat(RolloutWording.duration("soon")).isEqualTo("soon");
    }

    private NotificationContent compose(String json) {
        return composer.compose(NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow());
    }
}
