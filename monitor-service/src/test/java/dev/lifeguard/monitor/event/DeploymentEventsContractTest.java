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

    private CloudEvent golden(String type) {
        String json = EventContract.read(EventContract.contractsDirectory().resolve("examples").resolve(type + ".json"));
        return reader.read(json, new RecordHeaders());
    }
}
