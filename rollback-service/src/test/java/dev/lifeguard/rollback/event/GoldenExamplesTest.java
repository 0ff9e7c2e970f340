package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Execution;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.testsupport.EventContract;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the contract: the golden examples of every event rollback-service reads. */
class GoldenExamplesTest {

    private static final CloudEventReader READER = new CloudEventReader(new ObjectMapper());

    @Test
    void serviceDeployedHasNoStableVersion() {
        ServiceDeployedEvent deployed = ServiceDeployedEvent.from(read("dev.cdevents.service.deployed.0.3.0"));

        assertThat(deployed).isEqualTo(new ServiceDeployedEvent("7d1c0e2a-0001-4c1b-9a40-000000000001",
                "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c", "d-0001", "checkout", "production", "1.0.0", null,
                OffsetDateTime.parse("2026-11-26T09:00:00Z")));
    }

    @Test
    void serviceUpgradedNamesItsStableVersion() {
        ServiceDeployedEvent upgraded = ServiceDeployedEvent.from(read("dev.cdevents.service.upgraded.0.3.0"));

        assertThat(upgraded.deploymentId()).isEqualTo("d-0002");
        assertThat(upgraded.version()).isEqualTo("2.0.0");
        assertThat(upgraded.stableVersion()).isEqualTo("1.0.0");
        assertThat(upgraded.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
    }

    @Test
    void serviceRolledBackNamesTheDeploymentTakenOutAndTheVersionRestored() {
        ServiceRolledBackEvent rolledBack = ServiceRolledBackEvent.from(read("dev.cdevents.service.rolledback.0.3.0"));

        assertThat(rolledBack).isEqualTo(new ServiceRolledBackEvent("7d1c0e2a-0005-4c1b-9a40-000000000005",
                "d-0002", "checkout", "production", "1.0.0", "rollback-0004"));
    }

    @Test
    void rollbackExecutionReportsNameTheDecisionAndWhatBecameOfIt() {
        assertThat(RollbackExecutionReport.from(read("dev.cdeventsx.lifeguard-rollback.failed.0.1.0")))
                .isEqualTo(new RollbackExecutionReport("4e8d2b6a-0010-4f3c-a2d1-000000000010", "rollback-0004",
                        "checkout", "production", Execution.FAILED,
                        "webhook https://deploy.example.com/rollback answered 503 Service Unavailable (3 attempts over 1m10s)"));
        RollbackExecutionReport skipped = RollbackExecutionReport.from(read("dev.cdeventsx.lifeguard-rollback.skipped.0.1.0"));
        assertThat(skipped.rollbackId()).isEqualTo("rollback-0004");
        assertThat(skipped.execution()).isEqualTo(Execution.SKIPPED);
        assertThat(skipped.detail()).isEqualTo("deployment d-0002 is no longer current: 2.1.0 replaced it");
        RollbackExecutionReport accepted = RollbackExecutionReport.from(read("dev.cdeventsx.lifeguard-rollback.accepted.0.1.0"));
        assertThat(accepted.execution()).isEqualTo(Execution.ACCEPTED);
        assertThat(accepted.service()).isEqualTo("checkout");
        assertThat(accepted.environment()).isEqualTo("production");
    }

    @Test
    void rolloutStepStartedNamesTheDeploymentRollingOutItsStableVersionStepAndWeight() {
        RolloutStepStartedEvent step = RolloutStepStartedEvent.from(read("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0"));

        assertThat(step).isEqualTo(new RolloutStepStartedEvent("6c2d0a11-0004-4b7e-9c3d-000000000104",
                "5a1b2c3d-0003-4e5f-8a9b-000000000003", "d-0003", "checkout", "production", "2.0.1", "1.0.0", "canary",
                1, 10, OffsetDateTime.parse("2026-11-26T11:04:02Z")));
    }

    @Test
    void anIncidentOfARolloutStepNamesTheStep() {
        List<java.nio.file.Path> examples = EventContract.examples("dev.cdevents.incident.detected.0.3.0");
        java.nio.file.Path stepExample = examples.stream()
                .filter(path -> path.getFileName().toString().endsWith(".step.json")).findFirst().orElseThrow();
        String json = EventContract.read(stepExample);
        assertThat(EventContract.violations(json)).isEmpty();

        AnomalyDetectedEvent anomaly = AnomalyDetectedEvent.from(READER.read(json, new RecordHeaders()));

        assertThat(anomaly.rolloutStep()).isEqualTo(1);
        assertThat(anomaly.ofRolloutStep()).isTrue();
        assertThat(anomaly.deploymentId()).isEqualTo("d-0003");
        assertThat(anomaly.version()).isEqualTo("2.0.1");
        assertThat(anomaly.detector()).isEqualTo("canary");
        // the full-traffic example names no step
        assertThat(AnomalyDetectedEvent.from(read("dev.cdevents.incident.detected.0.3.0")).ofRolloutStep()).isFalse();
    }

    @Test
    void aRolloutStepThatIsNotANumberIsMalformed() {
        ObjectNode event = Scenario.example("dev.cdevents.incident.detected.0.3.0");
        event.withObject("/data/customData").put("rolloutStep", "two");
        assertThatThrownBy(() -> AnomalyDetectedEvent.from(READER.read(event.toString(), new RecordHeaders())))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("/customData/rolloutStep");
    }

    @Test
    void incidentDetectedCarriesTheEvidence() {
        AnomalyDetectedEvent anomaly = AnomalyDetectedEvent.from(read("dev.cdevents.incident.detected.0.3.0"));

        assertThat(anomaly).isEqualTo(new AnomalyDetectedEvent("5a7e9c10-0003-4d2b-8f31-000000000003",
                "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c", "anomaly-0003", "d-0002", "checkout", "production", "2.0.0",
                "error_rate", 0.05, List.of(0.21, 0.34, 0.4), null, "error_rate > 0.05 for 3 consecutive samples", null,
                null, "d-0002"));
        // the same words as the golden rollback request's reason
        assertThat(anomaly.evidence()).isEqualTo(EventContract.parse(EventContract.read(
                        EventContract.examples("dev.cdeventsx.lifeguard-rollback.requested.0.1.0").get(0)))
                .at("/data/subject/content/reason").asText());
    }

    @Test
    void bothRollbackRequestExamplesFollowTheSchemaAndTheManualOneHasNoAnomaly() {
        List<java.nio.file.Path> examples = EventContract.examples("dev.cdeventsx.lifeguard-rollback.requested.0.1.0");

        assertThat(examples).extracting(path -> path.getFileName().toString()).containsExactly(
                "dev.cdeventsx.lifeguard-rollback.requested.0.1.0.json",
                "dev.cdeventsx.lifeguard-rollback.requested.0.1.0.manual.json");
        examples.forEach(example -> assertThat(EventContract.violations(EventContract.read(example))).isEmpty());
        var manual = EventContract.parse(EventContract.read(examples.get(1)));
        assertThat(manual.at("/data/subject/content/manual").asBoolean()).isTrue();
        assertThat(manual.at("/data/subject/content/anomalyId").isNull()).isTrue();
        assertThat(manual.at("/data/context/links").isMissingNode()).isTrue();
    }

    @Test
    void analysisVerdictsAreDecidedOnOnlyWhenInconclusiveForFullTraffic() {
        CloudEvent failed = read("dev.cdeventsx.lifeguard-analysis.finished.0.1.0");
        assertThat(AnalysisFinishedEvent.decidable(failed)).as("failed verdicts come as anomalies").isFalse();
        java.nio.file.Path stepExample = EventContract.examples("dev.cdeventsx.lifeguard-analysis.finished.0.1.0").stream()
                .filter(path -> path.getFileName().toString().endsWith(".step.json")).findFirst().orElseThrow();
        ObjectNode step = (ObjectNode) EventContract.parse(EventContract.read(stepExample));
        step.withObject("/data/subject/content").put("outcome", "inconclusive");
        assertThat(AnalysisFinishedEvent.decidable(READER.read(step.toString(), new RecordHeaders())))
                .as("step verdicts are deploy-service's").isFalse();

        ObjectNode inconclusive = Scenario.example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0");
        inconclusive.withObject("/data/subject/content").put("outcome", "inconclusive").putNull("anomalyId");
        assertThat(EventContract.violations(inconclusive.toString())).isEmpty();
        CloudEvent event = READER.read(inconclusive.toString(), new RecordHeaders());
        assertThat(AnalysisFinishedEvent.decidable(event)).isTrue();
        AnalysisFinishedEvent verdict = AnalysisFinishedEvent.from(event);
        assertThat(verdict.deploymentId()).isEqualTo("d-0002");
        assertThat(verdict.analysisId()).isEqualTo("d-0002");
        assertThat(verdict.version()).isEqualTo("2.0.0");
        assertThat(verdict.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
        assertThat(verdict.evidence()).isEqualTo("analysis d-0002 of 2.0.0 was inconclusive: error_rate above 0.05 for"
                + " 3 consecutive samples on checkout 2.0.0 in production");

        inconclusive.withObject("/data/subject/content").remove("deploymentId");
        assertThatThrownBy(() -> AnalysisFinishedEvent.from(READER.read(inconclusive.toString(), new RecordHeaders())))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("deploymentId");
    }

    @Test
    void theExamplesOfTheDecisionEventsFollowTheirSchemas() {
        for (String type : List.of("decided", "approval-requested", "escalated", "guard-tripped")) {
            List<java.nio.file.Path> examples = EventContract.examples("dev.cdeventsx.lifeguard-rollback." + type + ".0.1.0");
            assertThat(examples).as(type).isNotEmpty();
            examples.forEach(example -> assertThat(EventContract.violations(EventContract.read(example))).isEmpty());
        }
    }

    @Test
    void evidenceOfManySamplesStaysReadable() {
        AnomalyDetectedEvent anomaly = new AnomalyDetectedEvent("e", "c", "a", "d", "s", "e", "3.1", "latency_p99",
                250, List.of(300.0, 301.5, 302.0, 303.0, 304.0, 305.0, 306.0, 307.0, 308.0, 309.0, 310.0, 311.0),
                "threshold", "latency_p99 above 250 for 12 consecutive samples", null);

        assertThat(anomaly.evidence()).isEqualTo("latency_p99 above 250 for 12 consecutive samples "
                + "(300, 301.5, 302, 303, 304, 305, 306, 307, 308, 309, ...) on 3.1");
    }

    @Test
    void evidenceOfAChangePointDetectorSaysItsOwnRule() {
        AnomalyDetectedEvent anomaly = new AnomalyDetectedEvent("e", "c", "a", "d", "s", "e", "3.1", "latency_p99",
                5, List.of(130.0, 131.0, 140.5), "cusum", "latency_p99 rose: CUSUM 7.2 > h 5 over 3 samples", null);

        assertThat(anomaly.evidence()).isEqualTo("latency_p99 rose: CUSUM 7.2 > h 5 over 3 samples (cusum: 130, 131, 140.5) on 3.1");
    }

    @Test
    void anomalyWithoutNumericEvidenceIsMalformed() {
        ObjectNode example = Scenario.example("dev.cdevents.incident.detected.0.3.0");
        example.withObject("/data/customData").putArray("observedValues").add("high");

        assertThatThrownBy(() -> AnomalyDetectedEvent.from(READER.read(example.toString(), new RecordHeaders())))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/customData/observedValues/0");
    }

    @Test
    void deploymentWithAnUnsafeServiceNameIsMalformed() {
        ObjectNode example = Scenario.example("dev.cdevents.service.upgraded.0.3.0");
        example.withObject("/data/customData").put("service", "checkout/../admin");

        assertThatThrownBy(() -> ServiceDeployedEvent.from(READER.read(example.toString(), new RecordHeaders())))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("/customData/service");
    }

    private static CloudEvent read(String type) {
        return READER.read(EventContract.read(EventContract.examples(type).get(0)), new RecordHeaders());
    }
}
