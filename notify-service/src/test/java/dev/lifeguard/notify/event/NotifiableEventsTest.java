package dev.lifeguard.notify.event;

import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.MetricVerdict;
import dev.lifeguard.notify.event.AnalysisFinishedEvent.Outcome;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the contract: every golden example notify-service reads parses. */
class NotifiableEventsTest {

    static List<String> readTypes() {
        return GoldenEvents.READ;
    }

    @ParameterizedTest
    @MethodSource("readTypes")
    void goldenExampleIsReadWithItsTarget(String type) {
        CloudEvent cloudEvent = GoldenEvents.cloudEvent(type);

        NotifiableEvent event = NotifiableEvents.from(cloudEvent).orElseThrow();

        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(event.cloudEvent().id()).isEqualTo(cloudEvent.id());
    }

    @ParameterizedTest
    @MethodSource("readTypes")
    void goldenExampleMeetsItsSchema(String type) {
        assertThat(EventContract.violations(GoldenEvents.json(type))).isEmpty();
    }

    static List<String> rolloutTypes() {
        return GoldenEvents.ROLLOUT;
    }

    @ParameterizedTest
    @MethodSource("rolloutTypes")
    void rolloutGoldenExampleIsReadWithItsTargetAndMeetsItsSchema(String type) {
        assertThat(EventContract.violations(GoldenEvents.json(type))).isEmpty();
        CloudEvent cloudEvent = GoldenEvents.cloudEvent(type);

        RolloutEvent event = (RolloutEvent) NotifiableEvents.from(cloudEvent).orElseThrow();

        assertThat(event.service()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.chainId()).isEqualTo("5a1b2c3d-0003-4e5f-8a9b-000000000003");
        assertThat(event.deploymentId()).isEqualTo("d-0003");
        assertThat(event.version()).isEqualTo("2.0.1");
        assertThat(event.stableVersion()).isEqualTo("1.0.0");
        assertThat(event.strategyType()).isEqualTo("canary");
        assertThat(event.stepCount()).isEqualTo(5);
        assertThat(event.fixes()).containsExactly("incident-0004");
        assertThat(event.kind().name().toLowerCase().replace('_', '-')).isEqualTo(type.split("\\.")[3]);
        assertThat(event.worthTelling()).isTrue();
    }

    @Test
    void rolloutExamplesCarryWhatEachKindAdds() {
        RolloutEvent gated = (RolloutEvent) read(GoldenEvents.ROLLOUT_GATED);
        assertThat(gated.requiredSuites()).isEmpty();
        assertThat(gated.rollbackId()).isEqualTo("rollback-0004");
        assertThat(gated.stepIndex()).isEqualTo(-1);

        RolloutEvent released = (RolloutEvent) read(GoldenEvents.ROLLOUT_RELEASED);
        assertThat(released.releasedBy()).isEqualTo("evidence");
        assertThat(released.evidence()).isEqualTo(new RolloutEvent.Evidence(412, 0, List.of("unit", "integration", "e2e"),
                "testsuiterun.finished"));

        RolloutEvent step = (RolloutEvent) read(GoldenEvents.ROLLOUT_STEP_STARTED);
        assertThat(step.step()).isEqualTo(new RolloutEvent.Step("pause", null, "PT5M"));
        assertThat(step.analysis()).isEqualTo(new RolloutEvent.Analysis("d-0003#1", "PT5M"));
        assertThat(step.weight()).isEqualTo(10);

        assertThat(((RolloutEvent) read(GoldenEvents.ROLLOUT_PAUSED)).pausedBy()).isEqualTo("analysis");
        RolloutEvent promoted = (RolloutEvent) read(GoldenEvents.ROLLOUT_PROMOTED);
        assertThat(promoted.promotedBy()).isEqualTo("steps");
        assertThat(promoted.previousVersion()).isEqualTo("1.0.0");
        RolloutEvent aborted = (RolloutEvent) read(GoldenEvents.ROLLOUT_ABORTED);
        assertThat(aborted.abortedBy()).isEqualTo("analysis");
        assertThat(aborted.rollbackId()).isEqualTo("abort-d-0003");
    }

    @Test
    void rolloutEventWithoutVersionOrStepKindIsMalformedAndSaysWhy() {
        String noVersion = GoldenEvents.json(GoldenEvents.ROLLOUT_ABORTED).replace("\"version\": \"2.0.1\",", "");
        String noStepKind = GoldenEvents.json(GoldenEvents.ROLLOUT_STEP_STARTED).replace("\"kind\": \"pause\",", "");

        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(noVersion)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("subject.content.version");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(noStepKind)))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("subject.content.step.kind");
    }

    @Test
    void unknownRolloutKindIsNoNews() {
        String json = GoldenEvents.json(GoldenEvents.ROLLOUT_PROMOTED).replace("lifeguard-rollout.promoted.",
                "lifeguard-rollout.teleported.");
        assertThat(NotifiableEvents.from(GoldenEvents.read(json))).isEmpty();
    }

    @Test
    void stepAnalysisIsToldApartFromTheDeploymentsVerdictAndItsPassIsNotWorthTelling() {
        AnalysisFinishedEvent failed = (AnalysisFinishedEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.stepAnalysis("checkout", "e-s1", 1, "failed"))).orElseThrow();
        AnalysisFinishedEvent passed = (AnalysisFinishedEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.stepAnalysis("checkout", "e-s2", 3, "passed"))).orElseThrow();
        AnalysisFinishedEvent deploymentPass = (AnalysisFinishedEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.passedAnalysis("checkout", "e-s3"))).orElseThrow();

        assertThat(failed.stepAnalysis()).isTrue();
        assertThat(failed.rolloutStep()).isEqualTo(1);
        assertThat(failed.stepNumber()).isEqualTo(2);
        assertThat(failed.analysisId()).isEqualTo("d-0003#1");
        assertThat(failed.worthTelling()).isTrue();
        assertThat(passed.worthTelling()).isFalse();
        assertThat(deploymentPass.stepAnalysis()).isFalse();
        assertThat(deploymentPass.worthTelling()).isTrue();
    }

    @Test
    void deploymentAndRollbackReadTheirOptionalRolloutFields() {
        String upgraded = GoldenEvents.json(GoldenEvents.UPGRADED).replace("\"ciEventId\": \"ci-0002\"",
                "\"ciEventId\": \"ci-0002\", \"fixes\": [\"incident-0004\"], \"strategy\": {\"type\": \"canary\"},"
                        + " \"rollout\": true");
        String rolledBack = GoldenEvents.json(GoldenEvents.ROLLEDBACK).replace("\"reportedBy\": \"executor\"",
                "\"reportedBy\": \"executor\", \"rolloutAborted\": true");

        DeploymentEvent deployment = (DeploymentEvent) NotifiableEvents.from(GoldenEvents.read(upgraded)).orElseThrow();
        assertThat(deployment.fixes()).containsExactly("incident-0004");
        assertThat(deployment.strategyType()).isEqualTo("canary");
        assertThat(((RolledBackEvent) NotifiableEvents.from(GoldenEvents.read(rolledBack)).orElseThrow())
                .rolloutAborted()).isTrue();
        assertThat(((RolledBackEvent) read(GoldenEvents.ROLLEDBACK)).rolloutAborted()).isFalse();
        assertThat(((DeploymentEvent) read(GoldenEvents.UPGRADED)).fixes()).isEmpty();
    }

    @Test
    void analysisVerdictCarriesOutcomeReasonAndEvidencePerMetric() {
        AnalysisFinishedEvent analysis = (AnalysisFinishedEvent) read(GoldenEvents.ANALYSIS);

        assertThat(analysis.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(analysis.version()).isEqualTo("2.0.0");
        assertThat(analysis.stableVersion()).isEqualTo("1.0.0");
        assertThat(analysis.deploymentId()).isEqualTo("d-0002");
        assertThat(analysis.reason())
                .isEqualTo("error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production");
        assertThat(analysis.endedBy()).isEqualTo("failure");
        assertThat(analysis.samples()).isEqualTo(5);
        assertThat(analysis.anomalyId()).isEqualTo("5a7e9c10-0003-4d2b-8f31-000000000003");
        assertThat(analysis.metrics()).containsExactly(
                new MetricVerdict("error_rate", "threshold", Outcome.FAILED, 0.4,
                        "error_rate above 0.05 for 3 consecutive samples", List.of(0.21, 0.34, 0.4), 0),
                new MetricVerdict("latency_p99", "canary", Outcome.INCONCLUSIVE, null,
                        "2 intervals so far, the canary detector needs 3", List.of(), 0));
        assertThat(analysis.decidingMetrics()).extracting(MetricVerdict::metric).containsExactly("error_rate");
    }

    @Test
    void analysisWithAnUnknownOutcomeIsMalformedAndSaysWhy() {
        String json = GoldenEvents.json(GoldenEvents.ANALYSIS).replace("\"outcome\": \"failed\"", "\"outcome\": \"bad\"");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("subject.content.outcome")
                .hasMessageContaining("'bad'");
    }

    @Test
    void analysisMetricThatCannotBeNamedIsLeftOutButTheVerdictStillReads() {
        String json = GoldenEvents.json(GoldenEvents.ANALYSIS).replace("\"verdict\": \"inconclusive\"", "\"verdict\": \"?\"");

        AnalysisFinishedEvent analysis = (AnalysisFinishedEvent) NotifiableEvents.from(GoldenEvents.read(json)).orElseThrow();

        assertThat(analysis.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(analysis.metrics()).extracting(MetricVerdict::metric).containsExactly("error_rate");
    }

    @Test
    void analysisWithoutVersionIsMalformed() {
        String json = GoldenEvents.json(GoldenEvents.ANALYSIS).replace("\"version\": \"2.0.0\",", "");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("subject.content.version");
    }

    @Test
    void goldenExamplesCarryTheirDetails() {
        DeploymentEvent upgraded = (DeploymentEvent) read(GoldenEvents.UPGRADED);
        assertThat(upgraded.version()).isEqualTo("2.0.0");
        assertThat(upgraded.previousVersion()).isEqualTo("1.0.0");
        assertThat(upgraded.commit()).isEqualTo("e4f5a6b");
        assertThat(upgraded.changeUrl()).isEqualTo("https://git.example.com/shop/checkout/commit/e4f5a6b");

        AnomalyEvent anomaly = (AnomalyEvent) read(GoldenEvents.ANOMALY);
        assertThat(anomaly.version()).isEqualTo("2.0.0");
        assertThat(anomaly.metric()).isEqualTo("error_rate");
        assertThat(anomaly.threshold()).isEqualTo(0.05);
        assertThat(anomaly.observedValues()).containsExactly(0.21, 0.34, 0.4);
        assertThat(anomaly.anomalyId()).isEqualTo("anomaly-0003");

        RollbackRequestedEvent request = (RollbackRequestedEvent) read(GoldenEvents.ROLLBACK_REQUESTED);
        assertThat(request.fromVersion()).isEqualTo("2.0.0");
        assertThat(request.toVersion()).isEqualTo("1.0.0");
        assertThat(request.rollbackId()).isEqualTo("rollback-0004");

        RolledBackEvent rolledBack = (RolledBackEvent) read(GoldenEvents.ROLLEDBACK);
        assertThat(rolledBack.fromVersion()).isEqualTo("2.0.0");
        assertThat(rolledBack.toVersion()).isEqualTo("1.0.0");
        assertThat(rolledBack.reason()).startsWith("error_rate above 0.05");
    }

    @Test
    void typesNoTeamHearsAboutAreSkipped() {
        CloudEvent resolved = GoldenEvents.cloudEvent("dev.cdevents.incident.resolved.0.3.0");
        assertThat(NotifiableEvents.from(resolved)).isEmpty();
    }

    @Test
    void retiredTargetIsNoNewsAndNotMalformed() {
        CloudEvent removed = GoldenEvents.read(GoldenEvents.serviceRemoved("checkout", "e-removed"));

        assertThat(NotifiableEvents.isNotifiable(removed.type())).isFalse();
        assertThat(NotifiableEvents.from(removed)).isEmpty();
    }

    @Test
    void failedRollbackCarriesWhatFailedHowOftenAndWhatStillRuns() {
        RollbackFailedEvent failed = (RollbackFailedEvent) read(GoldenEvents.ROLLBACK_FAILED);

        assertThat(failed).isEqualTo(new RollbackFailedEvent(failed.cloudEvent(), "checkout", "production",
                "rollback-0004", "2.0.0", "1.0.0",
                "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0", "webhook",
                "webhook https://deploy.example.com/rollback answered 503 Service Unavailable (3 attempts over 1m10s)",
                3));
    }

    @Test
    void skippedAndAcceptedRollbacksCarryTheirDetail() {
        RollbackSkippedEvent skipped = (RollbackSkippedEvent) read(GoldenEvents.ROLLBACK_SKIPPED);
        assertThat(skipped.rollbackId()).isEqualTo("rollback-0004");
        assertThat(skipped.executor()).isNull();
        assertThat(skipped.detail()).isEqualTo("deployment d-0002 is no longer current: 2.1.0 replaced it");

        RollbackAcceptedEvent accepted = (RollbackAcceptedEvent) read(GoldenEvents.ROLLBACK_ACCEPTED);
        assertThat(accepted.executor()).isEqualTo("manual");
        assertThat(accepted.waitsForAPerson()).isTrue();
        assertThat(accepted.toVersion()).isEqualTo("1.0.0");
        assertThat(accepted.completeUrl()).isEqualTo("/api/v1/rollbacks/rollback-0004/complete");
    }

    @Test
    void rolledBackSaysWhoReportedIt() {
        RolledBackEvent byExecutor = (RolledBackEvent) read(GoldenEvents.ROLLEDBACK);
        assertThat(byExecutor.reportedBy()).isEqualTo("executor");
        assertThat(byExecutor.executor()).isEqualTo("record");

        RolledBackEvent byCi = (RolledBackEvent) NotifiableEvents.from(GoldenEvents.read(
                GoldenEvents.rolledBackByCi("checkout", "e-ci"))).orElseThrow();
        assertThat(byCi.reportedBy()).isEqualTo("ci");
        assertThat(byCi.executor()).isNull();
        assertThat(byCi.rollbackId()).isEqualTo("ci-e-ci");
    }

    @Test
    void failedRollbackWithoutTheVersionThatStillRunsIsMalformed() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_FAILED).replace("\"fromVersion\": \"2.0.0\",", "");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("subject.content.fromVersion");
    }

    @Test
    void rollbackOutcomesWithoutTheirOptionalFieldsStillRead() {
        String skipped = GoldenEvents.json(GoldenEvents.ROLLBACK_SKIPPED)
                .replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": null")
                .replaceFirst("\"detail\": \"[^\"]*\"", "\"detail\": null")
                .replace("\"rollbackId\": \"rollback-0004\",", "");
        String failed = GoldenEvents.json(GoldenEvents.ROLLBACK_FAILED).replace("\"attempts\": 3", "\"attempts\": \"x\"");

        RollbackSkippedEvent readSkipped = (RollbackSkippedEvent) NotifiableEvents.from(GoldenEvents.read(skipped))
                .orElseThrow();
        assertThat(readSkipped.toVersion()).isNull();
        assertThat(readSkipped.detail()).isNull();
        assertThat(readSkipped.rollbackId()).as("from the subject id").isEqualTo("rollback-0004");
        assertThat(((RollbackFailedEvent) NotifiableEvents.from(GoldenEvents.read(failed)).orElseThrow()).attempts())
                .isNull();
    }

    @Test
    void eventWithoutServiceIsMalformedAndSaysWhy() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_REQUESTED)
                .replace("\"subject\": \"checkout/production\",", "")
                .replace("\"service\": \"checkout\",", "");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("cannot tell the service");
    }

    @Test
    void rollbackRequestWithoutTargetVersionIsMalformed() {
        String json = GoldenEvents.json(GoldenEvents.ROLLBACK_REQUESTED).replace("\"toVersion\": \"1.0.0\",", "");
        assertThatThrownBy(() -> NotifiableEvents.from(GoldenEvents.read(json)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("subject.content.toVersion");
    }

    @Test
    void versionIsTakenFromThePackageUrl() {
        assertThat(NotifiableEvents.versionOf("pkg:generic/checkout@2.0.0")).isEqualTo("2.0.0");
        assertThat(NotifiableEvents.versionOf("pkg:oci/checkout@v3?repository_url=r")).isEqualTo("v3");
        assertThat(NotifiableEvents.versionOf("pkg:generic/checkout")).isNull();
    }

    private static NotifiableEvent read(String type) {
        return NotifiableEvents.from(GoldenEvents.cloudEvent(type)).orElseThrow();
    }
}
