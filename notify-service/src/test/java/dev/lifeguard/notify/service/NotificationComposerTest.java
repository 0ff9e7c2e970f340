package dev.lifeguard.notify.service;

import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.event.NotifiableEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationComposerTest {

    private final NotificationComposer composer = new NotificationComposer();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            dev.cdevents.service.deployed.0.3.0 | checkout 1.0.0 deployed to production | checkout 1.0.0 is now running in production (commit a1b2c3d).
            dev.cdevents.service.upgraded.0.3.0 | checkout 2.0.0 deployed to production | checkout 2.0.0 is now running in production, replacing 1.0.0 (commit e4f5a6b).
            dev.cdevents.incident.detected.0.3.0 | Anomaly on checkout 2.0.0 in production: error_rate above 0.05 (0.21, 0.34, 0.40) | error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production. Observed: 0.21, 0.34, 0.40 (threshold 0.05).
            dev.cdeventsx.lifeguard-rollback.requested.0.1.0 | Rolling back checkout in production from 2.0.0 to 1.0.0 | Rolling back checkout in production from 2.0.0 to 1.0.0: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0
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

    private NotificationContent composeJson(String json) {
        return composer.compose(NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow());
    }

    private NotificationContent compose(String type) {
        return composer.compose(NotifiableEvents.from(GoldenEvents.cloudEvent(type)).orElseThrow());
    }
}
