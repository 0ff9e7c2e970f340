package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.testsupport.EventContract;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Consumer side of the contract: deploy-service's golden events read into what monitor-service needs. */
class DeploymentEventsContractTest {

    private final CloudEventReader reader = new CloudEventReader(new ObjectMapper());

    @Test
    void serviceDeployedStartsAVerification() {
        CloudEvent event = golden("dev.cdevents.service.deployed.0.3.0");

        assertThat(EventTypes.isServiceDeployment(event.type())).isTrue();
        assertThat(DeploymentStartedEvent.from(event)).isEqualTo(new DeploymentStartedEvent(
                "7d1c0e2a-0001-4c1b-9a40-000000000001", "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c", "d-0001",
                "checkout", "production", "1.0.0", "pkg:generic/checkout@1.0.0",
                OffsetDateTime.parse("2026-11-26T09:00:00Z")));
    }

    @Test
    void serviceUpgradedStartsAVerification() {
        CloudEvent event = golden("dev.cdevents.service.upgraded.0.3.0");

        assertThat(EventTypes.isServiceDeployment(event.type())).isTrue();
        assertThat(DeploymentStartedEvent.from(event)).isEqualTo(new DeploymentStartedEvent(
                "7d1c0e2a-0002-4c1b-9a40-000000000002", "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c", "d-0002",
                "checkout", "production", "2.0.0", "pkg:generic/checkout@2.0.0",
                OffsetDateTime.parse("2026-11-26T10:00:00Z")));
    }

    @Test
    void serviceRolledBackNamesTheDeploymentItEndsAndTheOneThatRunsAgain() {
        CloudEvent event = golden("dev.cdevents.service.rolledback.0.3.0");

        assertThat(EventTypes.isServiceRollback(event.type())).isTrue();
        assertThat(EventTypes.isServiceDeployment(event.type())).isFalse();
        assertThat(DeploymentRolledBackEvent.from(event)).isEqualTo(new DeploymentRolledBackEvent(
                "7d1c0e2a-0005-4c1b-9a40-000000000005", "0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c", "d-0002", "checkout",
                "production", OffsetDateTime.parse("2026-11-26T10:01:23Z"), "rollback-0004", "1.0.0", "d-0001",
                "pkg:generic/checkout@1.0.0"));
    }

    @Test
    void aServiceRolledBackFromBeforeIssue7LacksOnlyTheRestoredDeployment() {
        ObjectNode event = (ObjectNode) EventContract.parse(EventContract.read(EventContract.contractsDirectory()
                .resolve("examples").resolve("dev.cdevents.service.rolledback.0.3.0.json")));
        ((ObjectNode) event.at("/data/customData")).remove(List.of("restoredDeploymentId", "restoredEventId", "reportedBy"));
        String json = event.toString();
        assertThat(EventContract.violations(json)).isEmpty();

        DeploymentRolledBackEvent rolledBack = DeploymentRolledBackEvent.from(reader.read(json, new RecordHeaders()));

        assertThat(rolledBack.restoredDeploymentId()).isNull();
        assertThat(rolledBack.toVersion()).isEqualTo("1.0.0");
        assertThat(rolledBack.rollbackId()).isEqualTo("rollback-0004");
    }

    @Test
    void aRolloutStepWithAnAnalysisNamesTheCanaryTheStableVersionAndTheWindow() {
        CloudEvent event = golden("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0");

        assertThat(EventTypes.isRolloutChange(event.type())).isTrue();
        assertThat(EventTypes.isServiceDeployment(event.type())).isFalse();
        RolloutEvent step = RolloutEvent.from(event);
        assertThat(step).isEqualTo(new RolloutEvent(RolloutEvent.Kind.STEP_STARTED,
                "6c2d0a11-0004-4b7e-9c3d-000000000104", "5a1b2c3d-0003-4e5f-8a9b-000000000003", "d-0003", "checkout",
                "production", "2.0.1", "1.0.0", "pkg:generic/checkout@2.0.1", 1, "d-0003#1", java.time.Duration.ofMinutes(5),
                null, OffsetDateTime.parse("2026-11-26T11:04:02Z")));
        assertThat(step.asksForAnalysis()).isTrue();
    }

    @Test
    void rolloutAbortedAndPromotedNameTheDeploymentWhoseStepAnalysisTheyEnd() {
        RolloutEvent aborted = RolloutEvent.from(golden("dev.cdeventsx.lifeguard-rollout.aborted.0.1.0"));
        assertThat(aborted.kind()).isEqualTo(RolloutEvent.Kind.ABORTED);
        assertThat(aborted.deploymentId()).isEqualTo("d-0003");
        assertThat(aborted.stepIndex()).isEqualTo(1);
        assertThat(aborted.reason()).contains("analysis of step 2 failed");
        assertThat(aborted.asksForAnalysis()).isFalse();

        RolloutEvent promoted = RolloutEvent.from(golden("dev.cdeventsx.lifeguard-rollout.promoted.0.1.0"));
        assertThat(promoted.kind()).isEqualTo(RolloutEvent.Kind.PROMOTED);
        assertThat(promoted.deploymentId()).isEqualTo("d-0003");
        assertThat(promoted.version()).isEqualTo("2.0.1");
    }

    private CloudEvent golden(String type) {
        String json = EventContract.read(EventContract.contractsDirectory().resolve("examples").resolve(type + ".json"));
        return reader.read(json, new RecordHeaders());
    }
}
