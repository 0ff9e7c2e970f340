package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the contract: the golden examples of every event the timeline reads. */
class ChainEventTest {

    private static final CloudEventReader READER = new CloudEventReader(new ObjectMapper());

    @ParameterizedTest
    @CsvSource({
            "dev.cdevents.service.deployed.0.3.0, DEPLOYMENT",
            "dev.cdevents.service.upgraded.0.3.0, DEPLOYMENT",
            "dev.cdevents.incident.detected.0.3.0, ANOMALY",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0, ANALYSIS",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0, ROLLBACK_REQUESTED",
            "dev.cdevents.service.rolledback.0.3.0, ROLLBACK",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0, ROLLBACK_FAILED",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0, ROLLBACK_SKIPPED",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0, ROLLBACK_ACCEPTED",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0, NOTIFICATION"})
    void goldenExamplesAreChainEventsOfTheirKind(String type, TimelineKind kind) {
        ChainEvent event = read(example(type)).orElseThrow();

        assertThat(event.details().kind()).isEqualTo(kind);
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.time()).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdevents.service.deployed.0.3.0",
            "dev.cdevents.service.upgraded.0.3.0",
            "dev.cdevents.incident.detected.0.3.0",
            "dev.cdeventsx.lifeguard-analysis.finished.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.requested.0.1.0",
            "dev.cdevents.service.rolledback.0.3.0",
            "dev.cdeventsx.lifeguard-rollback.failed.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0",
            "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0",
            "dev.cdeventsx.lifeguard-notification.published.0.1.0"})
    void goldenExamplesReadHereMeetTheirSchema(String type) {
        assertThat(EventContract.violations(example(type))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "dev.cdeventsx.lifeguard-rollout.gated.0.1.0, ROLLOUT_GATED",
            "dev.cdeventsx.lifeguard-rollout.released.0.1.0, ROLLOUT_RELEASED",
            "dev.cdeventsx.lifeguard-rollout.step-started.0.1.0, ROLLOUT_STEP",
            "dev.cdeventsx.lifeguard-rollout.paused.0.1.0, ROLLOUT_PAUSED",
            "dev.cdeventsx.lifeguard-rollout.promoted.0.1.0, ROLLOUT_PROMOTED",
            "dev.cdeventsx.lifeguard-rollout.aborted.0.1.0, ROLLOUT_ABORTED"})
    void rolloutGoldenExamplesMeetTheirSchemaAndAreChainEventsOfTheirKind(String type, TimelineKind kind) {
        assertThat(EventContract.violations(example(type))).isEmpty();
        ChainEvent event = read(example(type)).orElseThrow();

        assertThat(event.details().kind()).isEqualTo(kind);
        assertThat(event.chainId()).isEqualTo("5a1b2c3d-0003-4e5f-8a9b-000000000003");
        assertThat(event.service()).isEqualTo("checkout");
        RolloutReported rollout = (RolloutReported) event.details();
        assertThat(rollout.deploymentId()).isEqualTo("d-0003");
        assertThat(rollout.version()).isEqualTo("2.0.1");
        assertThat(rollout.stableVersion()).isEqualTo("1.0.0");
        assertThat(rollout.strategyType()).isEqualTo("canary");
        assertThat(rollout.fixes()).containsExactly("incident-0004");
    }

    @Test
    void rolloutEventsSayWhenTheNewVersionTakesTraffic() {
        RolloutReported pause = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0"))
                .orElseThrow().details();
        RolloutReported setWeight = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"kind\": \"pause\",", "\"kind\": \"set-weight\", \"weight\": 10,")).orElseThrow().details();
        RolloutReported preview = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0")
                .replace("\"kind\": \"pause\",", "\"kind\": \"preview\", \"weight\": 0,")).orElseThrow().details();
        RolloutReported promoted = (RolloutReported) read(example("dev.cdeventsx.lifeguard-rollout.promoted.0.1.0"))
                .orElseThrow().details();

        assertThat(pause.analysisId()).isEqualTo("d-0003#1");
        assertThat(pause.stepDuration()).isEqualTo("PT5M");
        assertThat(pause.takesTraffic()).isFalse();
        assertThat(setWeight.takesTraffic()).isTrue();
        assertThat(preview.takesTraffic()).isFalse();
        assertThat(promoted.takesTraffic()).isTrue();
    }

    @Test
    void rolloutEventWithoutVersionOrStepKindIsMalformedAndNamed() {
        String noVersion = example("dev.cdeventsx.lifeguard-rollout.aborted.0.1.0").replace("\"version\": \"2.0.1\",", "");
        String noKind = example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0").replace("\"kind\": \"pause\",", "");

        assertThatThrownBy(() -> read(noVersion)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/version");
        assertThatThrownBy(() -> read(noKind)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/step/kind");
    }

    @Test
    void deploymentReadsTheFixesItNamesInCustomDataOrAsLinks() {
        String withFixes = example("dev.cdevents.service.upgraded.0.3.0")
                .replace("\"ciEventId\": \"ci-0002\"", "\"ciEventId\": \"ci-0002\", \"fixes\": [\"inc-1\"],"
                        + " \"strategy\": {\"type\": \"canary\"}")
                .replace("\"links\": [", "\"links\": [{\"linkType\": \"RELATION\", \"linkKind\": \"FIXES\","
                        + " \"target\": {\"contextId\": \"inc-2\"}},");
        String stepVerdict = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replaceFirst("\"analysisId\": \"d-0002\",\\s*", "")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0002\", \"analysisId\": \"d-0002#1\",");
        String reanalysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replaceFirst("\"analysisId\": \"d-0002\",\\s*", "")
                .replace("\"deploymentId\": \"d-0002\",", "\"deploymentId\": \"d-0002\", \"analysisId\": \"d-0002@r-1\",");

        DeploymentReported deployment = (DeploymentReported) read(withFixes).orElseThrow().details();
        assertThat(deployment.fixes()).containsExactly("inc-1", "inc-2");
        assertThat(deployment.strategyType()).isEqualTo("canary");
        assertThat(((AnalysisFinished) read(stepVerdict).orElseThrow().details()).stepAnalysis()).isTrue();
        assertThat(((AnalysisFinished) read(reanalysis).orElseThrow().details()).deploymentVerdict()).isFalse();
        assertThat(((AnalysisFinished) read(example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")).orElseThrow()
                .details()).deploymentVerdict()).isTrue();
    }

    @Test
    void analysisVerdictCarriesItsOutcomeReasonAndMetrics() {
        ChainEvent event = read(example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")).orElseThrow();
        AnalysisFinished analysis = (AnalysisFinished) event.details();

        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:21Z"));
        assertThat(analysis.deploymentId()).isEqualTo("d-0002");
        assertThat(analysis.version()).isEqualTo("2.0.0");
        assertThat(analysis.outcome()).isEqualTo("failed");
        assertThat(analysis.reason())
                .isEqualTo("error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production");
        assertThat(analysis.endedBy()).isEqualTo("failure");
        assertThat(analysis.metrics()).containsExactly(
                new AnalysisFinished.MetricVerdict("error_rate", "threshold", "failed", 0.4,
                        "error_rate above 0.05 for 3 consecutive samples"),
                new AnalysisFinished.MetricVerdict("latency_p99", "canary", "inconclusive", null,
                        "2 intervals so far, the canary detector needs 3"));
        assertThat(analysis.decidingMetrics()).extracting(AnalysisFinished.MetricVerdict::metric)
                .containsExactly("error_rate");
    }

    @Test
    void analysisWithAnUnknownOutcomeIsMalformedAndNamed() {
        String analysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"maybe\"");

        assertThatThrownBy(() -> read(analysis)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/outcome").hasMessageContaining("'maybe'");
    }

    @Test
    void analysisMetricWithoutAKnownVerdictIsLeftOutButTheVerdictStillReads() {
        String analysis = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0")
                .replace("\"verdict\": \"inconclusive\"", "\"verdict\": \"?\"");

        AnalysisFinished read = (AnalysisFinished) read(analysis).orElseThrow().details();

        assertThat(read.outcome()).isEqualTo("failed");
        assertThat(read.metrics()).extracting(AnalysisFinished.MetricVerdict::metric).containsExactly("error_rate");
    }

    @Test
    void anomalyCarriesItsEvidence() {
        AnomalyDetected anomaly = (AnomalyDetected) read(example("dev.cdevents.incident.detected.0.3.0")).orElseThrow().details();

        assertThat(anomaly.anomalyId()).isEqualTo("anomaly-0003");
        assertThat(anomaly.version()).isEqualTo("2.0.0");
        assertThat(anomaly.rule()).isEqualTo("error_rate > 0.05 for 3 consecutive samples");
        assertThat(anomaly.metric()).isEqualTo("error_rate");
        assertThat(anomaly.threshold()).isEqualTo(0.05);
        assertThat(anomaly.observedValues()).containsExactly(0.21, 0.34, 0.4);
        assertThat(anomaly.observedValuesText()).isEqualTo("0.21, 0.34, 0.4");
        assertThat(anomaly.firstSampleAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:00Z"));
        assertThat(anomaly.lastSampleAt()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:01:20Z"));
    }

    @Test
    void deploymentAndRollbackCarryWhatThePostmortemNames() {
        DeploymentReported deployment = (DeploymentReported) read(example("dev.cdevents.service.upgraded.0.3.0"))
                .orElseThrow().details();
        ServiceRolledBack rollback = (ServiceRolledBack) read(example("dev.cdevents.service.rolledback.0.3.0"))
                .orElseThrow().details();

        assertThat(deployment).isEqualTo(new DeploymentReported(true, "d-0002", "2.0.0", "1.0.0", "payments", "e4f5a6b",
                "https://git.example.com/shop/checkout/commit/e4f5a6b", "ci-0002"));
        assertThat(rollback).isEqualTo(new ServiceRolledBack("rollback-0004", "2.0.0", "1.0.0",
                "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0", "record",
                "pkg:generic/checkout@1.0.0", "executor", false));
    }

    @Test
    void rollbackOutcomesCarryDetailExecutorAttemptsAndWhereToCompleteThem() {
        String reason = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";

        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.failed.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.FAILED, "rollback-0004", "2.0.0", "1.0.0", reason,
                        "webhook", "webhook https://deploy.example.com/rollback answered 503 Service Unavailable"
                        + " (3 attempts over 1m10s)", 3, null));
        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.skipped.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.SKIPPED, "rollback-0004", "2.0.0", "1.0.0", reason,
                        null, "deployment d-0002 is no longer current: 2.1.0 replaced it", null, null));
        assertThat(read(example("dev.cdeventsx.lifeguard-rollback.accepted.0.1.0")).orElseThrow().details())
                .isEqualTo(new RollbackOutcome(RollbackOutcome.Result.ACCEPTED, "rollback-0004", "2.0.0", "1.0.0",
                        reason, "manual", "manual rollback: roll checkout back to 1.0.0 in production, then report it",
                        null, "/api/v1/rollbacks/rollback-0004/complete"));
    }

    @Test
    void rollbackOutcomeWithoutItsDetailIsMalformedAndNamed() {
        String failed = example("dev.cdeventsx.lifeguard-rollback.failed.0.1.0").replace("\"detail\"", "\"note\"");

        assertThatThrownBy(() -> read(failed)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/subject/content/detail");
    }

    @Test
    void rollbackOutcomeWithoutATargetVersionStillReads() {
        String skipped = example("dev.cdeventsx.lifeguard-rollback.skipped.0.1.0")
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": null");

        assertThat(((RollbackOutcome) read(skipped).orElseThrow().details()).toVersion()).isNull();
    }

    @Test
    void retiredTargetIsNoTimelineEventAndNotMalformed() {
        String removed = new ChainScenario().serviceRemoved("e-removed");

        assertThat(ChainEvent.isTimelineEvent("dev.cdevents.service.removed.0.3.0")).isFalse();
        assertThat(read(removed)).isEmpty();
    }

    @Test
    void eventTypesTheTimelineDoesNotShowAreSkipped() {
        String resolved = example("dev.cdevents.incident.resolved.0.3.0");

        assertThat(read(resolved)).isEmpty();
    }

    @Test
    void eventWithoutChainIdIsMalformed() {
        String anomaly = example("dev.cdevents.incident.detected.0.3.0")
                .replace("\"chainid\": \"0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c\",", "")
                .replace("\"chainId\": \"0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c\",", "");

        assertThatThrownBy(() -> read(anomaly)).isInstanceOf(MalformedEventException.class).hasMessageContaining("chain id");
    }

    @Test
    void missingRequiredFieldIsMalformedAndNamed() {
        String rollback = example("dev.cdevents.service.rolledback.0.3.0").replace("\"toVersion\"", "\"target\"");

        assertThatThrownBy(() -> read(rollback)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/customData/toVersion");
    }

    @Test
    void nonNumericEvidenceIsMalformed() {
        String anomaly = example("dev.cdevents.incident.detected.0.3.0").replace("0.34,", "\"high\",");

        assertThatThrownBy(() -> read(anomaly)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("observedValues");
    }

    @Test
    void invalidServiceNameIsMalformed() {
        String notification = example("dev.cdeventsx.lifeguard-notification.published.0.1.0")
                .replace("\"service\": \"checkout\"", "\"service\": \"check out/../x\"");

        assertThatThrownBy(() -> read(notification)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("service");
    }

    @Test
    void targetFallsBackToTheCloudEventSubject() {
        String rollbackRequest = example("dev.cdeventsx.lifeguard-rollback.requested.0.1.0")
                .replace("\"service\": \"checkout\",", "")
                .replace("\"environment\": \"production\",", "");

        ChainEvent event = read(rollbackRequest).orElseThrow();

        assertThat(List.of(event.service(), event.environment())).containsExactly("checkout", "production");
    }

    static String example(String type) {
        return EventContract.read(EventContract.examples(type).get(0));
    }

    static Optional<ChainEvent> read(String json) {
        return ChainEvent.read(READER.read(json, null));
    }
}
