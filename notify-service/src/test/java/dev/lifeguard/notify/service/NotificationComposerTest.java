package dev.lifeguard.notify.service;

import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.event.NotifiableEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationComposerTest {

    private final NotificationComposer composer = new NotificationComposer();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            dev.cdevents.service.deployed.0.3.0 | checkout 1.0.0 deployed to production | checkout 1.0.0 is now running in production (commit a1b2c3d).
            dev.cdevents.service.upgraded.0.3.0 | checkout 2.0.0 deployed to production | checkout 2.0.0 is now running in production, replacing 1.0.0 (commit e4f5a6b).
            dev.cdevents.incident.detected.0.3.0 | Anomaly on checkout 2.0.0 in production: error_rate above 0.05 (0.21, 0.34, 0.40) | error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production. Observed: 0.21, 0.34, 0.40 (threshold 0.05).
            dev.cdeventsx.lifeguard-rollback.requested.0.1.0 | Rolling back checkout in production from 2.0.0 to 1.0.0 | Rolling back checkout in production from 2.0.0 to 1.0.0. Why (rule mode-auto): no policy for checkout/production: roll back automatically (mode auto) to 1.0.0; error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0.
            dev.cdevents.service.rolledback.0.3.0 | checkout rolled back to 1.0.0 in production | checkout was rolled back from 2.0.0 to 1.0.0 in production: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0
            dev.cdeventsx.lifeguard-analysis.finished.0.1.0 | Analysis failed for checkout 2.0.0 in production: error_rate | error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production. Deciding metric: error_rate failed (threshold, statistic 0.40, evidence 0.21, 0.34, 0.40). Last good version: 1.0.0.
            """)
    void wordsEachEventKind(String type, String title, String text) {
        NotificationContent content = compose(type);

        assertThat(content.title()).isEqualTo(title);
        assertThat(content.text()).isEqualTo(text);
        assertThat(content.service()).isEqualTo("checkout");
        assertThat(content.environment()).isEqualTo("production");
        assertThat(content.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(content.about().type()).isEqualTo(type);
    }

    @Test
    void deploymentLinksToTheChange() {
        assertThat(compose(GoldenEvents.UPGRADED).links())
                .containsExactly(new NotificationContent.Link("change",
                        "https://git.example.com/shop/checkout/commit/e4f5a6b"));
    }

    @Test
    void anomalyWithoutEvidenceStillReads() {
        String bare = GoldenEvents.json(GoldenEvents.ANOMALY)
                .replaceAll("(?s)\"customData\": \\{.*?\\},\\s*\"customDataContentType\": \"application/json\"",
                        "\"customData\": {}");
        NotificationContent content = composer.compose(NotifiableEvents.from(GoldenEvents.read(bare)).orElseThrow());

        assertThat(content.title()).isEqualTo("Anomaly on checkout 2.0.0 in production");
        assertThat(content.text())
                .isEqualTo("error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production.");
    }

    @Test
    void inconclusiveAnalysisNamesTheUndecidedMetricAndWhatToDo() {
        NotificationContent content = composeJson(GoldenEvents.inconclusiveAnalysis("checkout", "e-1"));

        assertThat(content.title()).isEqualTo("Analysis inconclusive for checkout 2.0.0 in production: latency_p99");
        assertThat(content.text()).isEqualTo("latency_p99 could not be judged before the window ended."
                + " Undecided metric: latency_p99 inconclusive (canary): 2 intervals so far, the canary detector needs 3."
                + " The analysis window ended without enough evidence."
                + " checkout 2.0.0 runs unverified in production: check its metrics before relying on it.");
        assertThat(content.links()).isEmpty();
    }

    @Test
    void inconclusiveAnalysisEndedByProviderErrorsPointsAtTheProviders() {
        String json = GoldenEvents.inconclusiveAnalysis("checkout", "e-2")
                .replace("\"endedBy\": \"window\"", "\"endedBy\": \"provider-errors\"")
                .replace("\"providerErrors\": 0\n          }\n        ]", "\"providerErrors\": 7\n          }\n        ]");
        NotificationContent content = composeJson(json);

        assertThat(content.text()).contains("latency_p99 inconclusive (canary, 7 provider errors)")
                .contains("The metric providers failed 7 time(s): check that they answer.")
                .endsWith("checkout 2.0.0 runs unverified in production: check its metrics before relying on it.");
    }

    @Test
    void supersededAnalysisDoesNotAskForAction() {
        String json = GoldenEvents.inconclusiveAnalysis("checkout", "e-3")
                .replace("\"endedBy\": \"window\"", "\"endedBy\": \"superseded\"");

        assertThat(composeJson(json).text()).endsWith("A newer deployment replaced it before the analysis could decide.")
                .doesNotContain("unverified");
    }

    @Test
    void passedAnalysisIsOneQuietLine() {
        NotificationContent content = composeJson(GoldenEvents.passedAnalysis("checkout", "e-4"));

        assertThat(content.title()).isEqualTo("checkout 2.0.0 verified in production");
        assertThat(content.text()).isEqualTo("Analysis passed after 5 samples: every metric stayed within its bounds.");
    }

    @Test
    void tinyStatisticsKeepTheirSignificantDigits() {
        String json = GoldenEvents.json(GoldenEvents.ANALYSIS).replace("\"statistic\": 0.4,", "\"statistic\": 0.000123,");

        assertThat(composeJson(json).text()).contains("error_rate failed (threshold, statistic 0.00012, evidence");
    }

    @Test
    void failedRollbackIsCriticalAndSaysWhatStillRunsWhatFailedAndWhatToDo() {
        NotificationContent content = compose(GoldenEvents.ROLLBACK_FAILED);

        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
        assertThat(content.title()).isEqualTo("Rollback FAILED: checkout still runs 2.0.0 in production \u2014 act now");
        assertThat(content.text()).isEqualTo("Lifeguard could not roll checkout back from 2.0.0 to 1.0.0 in production"
                + " (3 attempts, executor webhook): webhook https://deploy.example.com/rollback answered 503 Service"
                + " Unavailable (3 attempts over 1m10s). Lifeguard has given up: roll back to 1.0.0 by hand or fix"
                + " forward, now. Why it was rolled back: error_rate above 0.05 for 3 consecutive samples"
                + " (0.21, 0.34, 0.4) on 2.0.0. Rollback rollback-0004.");
    }

    @Test
    void failedRollbackWithNothingToGoBackToSaysSo() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_FAILED)
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": null")
                .replace("\"executor\": \"webhook\"", "\"executor\": null")
                .replace("\"attempts\": 3", "\"attempts\": 1");

        NotificationContent content = composeJson(json);

        assertThat(content.urgency()).isEqualTo(Urgency.CRITICAL);
        assertThat(content.text()).startsWith("Lifeguard could not roll checkout back from 2.0.0 in production (1 attempt):")
                .contains("There is no version to go back to: fix forward or roll back by hand, now.");
    }

    @Test
    void skippedRollbackIsForTheRecordAndSaysWhy() {
        NotificationContent content = compose(GoldenEvents.ROLLBACK_SKIPPED);

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("Rollback of checkout in production not carried out");
        assertThat(content.text()).isEqualTo("Rollback not carried out: deployment d-0002 is no longer current: 2.1.0"
                + " replaced it. It was to go from 2.0.0 to 1.0.0, because: error_rate above 0.05 for 3 consecutive"
                + " samples (0.21, 0.34, 0.4) on 2.0.0.");
    }

    @Test
    void manualRollbackCallsAPersonToRollBackByHandAndReportIt() {
        NotificationContent content = compose(GoldenEvents.ROLLBACK_ACCEPTED);

        assertThat(content.urgency()).isEqualTo(Urgency.HIGH);
        assertThat(content.title()).isEqualTo("Roll back checkout in production by hand from 2.0.0 to 1.0.0");
        assertThat(content.text()).isEqualTo("Lifeguard does not roll back checkout in production itself (manual"
                + " executor): roll back by hand to 1.0.0, then POST /api/v1/rollbacks/rollback-0004/complete. 2.0.0"
                + " runs until then. Why: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0.");
    }

    @Test
    void rollbackAcceptedByACdToolWaitsForItsReport() {
        NotificationContent content = composeJson(GoldenEvents.acceptedByWebhook("checkout", "e-5"));

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("Rollback of checkout in production from 2.0.0 to 1.0.0 accepted by webhook");
        assertThat(content.text()).startsWith("Your CD tool accepted it (webhook https://deploy.example.com/rollback"
                        + " answered 202 Accepted); waiting for its service.rolledback. If it never comes, roll back by"
                        + " hand and POST /api/v1/rollbacks/rollback-0004/complete.");
    }

    @Test
    void rollbackReportedByCiSaysSomeoneUsedTheirCdTool() {
        NotificationContent content = composeJson(GoldenEvents.rolledBackByCi("checkout", "e-6"));

        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
        assertThat(content.title()).isEqualTo("checkout rolled back to 1.0.0 in production with a CD tool");
        assertThat(content.text()).isEqualTo("Someone rolled checkout back from 2.0.0 to 1.0.0 in production with their"
                + " CD tool, outside Lifeguard; CI reported it. Reason: rolled back outside Lifeguard (reported by CI).");
    }

    @Test
    void rollbackReportedByAPersonSaysItWasDoneByHand() {
        String json = GoldenEvents.json(GoldenEvents.ROLLEDBACK)
                .replace("\"reportedBy\": \"executor\"", "\"reportedBy\": \"person\"");

        NotificationContent content = composeJson(json);

        assertThat(content.title()).isEqualTo("checkout rolled back to 1.0.0 in production by hand");
        assertThat(content.text()).startsWith("A person reported that checkout was rolled back by hand from 2.0.0 to 1.0.0"
                + " in production. Reason: error_rate above 0.05");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            FAILED      | Rollback of checkout in production from 2.0.0 to 1.0.0 was requested; it has already failed, checkout still runs 2.0.0
            SKIPPED     | Rollback of checkout in production from 2.0.0 to 1.0.0 was requested; it was already reported as not carried out
            ROLLED_BACK | Rollback of checkout in production from 2.0.0 to 1.0.0 was requested; it is already done
            """)
    void requestReadAfterItsOutcomeIsWordedAsLate(RollbackOutcome.Kind end, String title) {
        NotificationContent content = composer.compose(
                NotifiableEvents.from(GoldenEvents.cloudEvent(GoldenEvents.ROLLBACK_REQUESTED)).orElseThrow(),
                Optional.of(end));

        assertThat(content.title()).isEqualTo(title);
        assertThat(content.text()).isEqualTo(title + ". Requested because: error_rate above 0.05 for 3 consecutive"
                + " samples (0.21, 0.34, 0.4) on 2.0.0.");
        assertThat(content.urgency()).isEqualTo(Urgency.NORMAL);
    }

    @Test
    void everythingElseIsNormal() {
        for (String type : List.of(GoldenEvents.UPGRADED, GoldenEvents.ANOMALY, GoldenEvents.ANALYSIS,
                GoldenEvents.ROLLBACK_REQUESTED, GoldenEvents.ROLLEDBACK)) {
            assertThat(compose(type).urgency()).as(type).isEqualTo(Urgency.NORMAL);
        }
    }

    private NotificationContent composeJson(String json) {
        return composer.compose(NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow());
    }

    private NotificationContent compose(String type) {
        return composer.compose(NotifiableEvents.from(GoldenEvents.cloudEvent(type)).orElseThrow());
    }
}
