package dev.lifeguard.deploy.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackRequestConsumerTest {

    @Inject
    CloudEventReader reader;

    @Test
    void goldenRollbackRequestExampleIsUnderstood() {
        String example = EventContract.read(EventContract.examples("dev.cdeventsx.lifeguard-rollback.requested.0.1.0").get(0));
        RollbackRequestedEvent request = RollbackRequestedEvent.from(reader.read(example, new RecordHeaders()));
        assertThat(request.rollbackId()).isEqualTo("rollback-0004");
        assertThat(request.deploymentId()).isEqualTo("d-0002");
        assertThat(request.fromVersion()).isEqualTo("2.0.0");
        assertThat(request.toVersion()).isEqualTo("1.0.0");
        assertThat(request.chainId()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
    }

    @Test
    void rollbackRequestRestoresTheStableVersionAndPublishesServiceRolledBack() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        String requestEventId = UUID.randomUUID().toString();
        String rollbackId = UUID.randomUUID().toString();

        kafka().send(ROLLBACKS_TOPIC, service + "/production", rollbackRequest(requestEventId, rollbackId, service, v2, "chain-" + service));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/services/{s}/environments/production", service).then()
                        .body("currentVersion", equalTo("1.0.0"))
                        .body("lastChange", equalTo("ROLLED_BACK"))
                        .body("stableVersion", nullValue())
                        .body("history[0].version", equalTo("2.0.0"))
                        .body("history[0].status", equalTo("ROLLED_BACK")));
        ConsumerRecord<String, String> published = kafka().awaitRecord("lifeguard.deployments",
                record -> (service + "/production").equals(record.key()) && record.value().contains("service.rolledback"));
        assertThat(EventContract.violations(published.value())).isEmpty();
        JsonNode rolledBack = EventContract.parse(published.value());
        assertThat(rolledBack.path("chainid").asText()).isEqualTo("chain-" + service);
        assertThat(rolledBack.at("/data/context/links/0/target/contextId").asText()).isEqualTo(requestEventId);
        assertThat(rolledBack.at("/data/subject/content/artifactId").asText()).isEqualTo("pkg:generic/" + service + "@1.0.0");
        assertThat(rolledBack.at("/data/customData/fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(rolledBack.at("/data/customData/toVersion").asText()).isEqualTo("1.0.0");
        assertThat(rolledBack.at("/data/customData/rollbackId").asText()).isEqualTo(rollbackId);
    }

    @Test
    void requestForADeploymentThatNoLongerRunsChangesNothing() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        deploy(service, "3.0.0");

        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "chain-x"));
        // A later good request on the same partition proves the stale one was consumed.
        String marker = unique("marker");
        deploy(marker, "1.0.0");
        String markerV2 = deploy(marker, "2.0.0");
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), marker, markerV2, "chain-y"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/services/{s}/environments/production", marker).then()
                        .body("currentVersion", equalTo("1.0.0")));

        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("3.0.0"))
                .body("lastChange", equalTo("DEPLOYED"));
    }

    @Test
    void malformedRollbackRequestIsDeadLetteredAndTheNextIsExecuted() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        ObjectNode missingTarget = (ObjectNode) EventContract.parse(
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "c"));
        ((ObjectNode) missingTarget.at("/data/subject/content")).remove("toVersion");
        kafka().send(ROLLBACKS_TOPIC, service + "/production", missingTarget.toString());
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "c"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/services/{s}/environments/production", service).then()
                        .body("currentVersion", equalTo("1.0.0")));
        ConsumerRecord<String, String> deadLetter = kafka().awaitRecord(ROLLBACKS_TOPIC + ".dlq",
                record -> (service + "/production").equals(record.key()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("/subject/content/toVersion");
    }
}
