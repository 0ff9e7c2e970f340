package dev.lifeguard.deploy.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.example;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** CI sends deployments to lifeguard.ci in three shapes; all become deployments and canonical events. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class CiEventConsumerTest {

    @Test
    void bareCdEventFromCiIsRecordedAndPublishedAsCanonicalEvent() {
        String service = unique("checkout");
        ObjectNode event = (ObjectNode) example("service-deployed.bare-cdevent.json");
        event.with("subject").put("id", service);
        String eventId = UUID.randomUUID().toString();
        event.with("context").put("id", eventId);

        kafka().send(CI_TOPIC, service + "/production", event.toString());

        awaitEnvironment(service, "production", "1.0.0");
        ConsumerRecord<String, String> published = kafka().awaitRecord(DEPLOYMENTS_TOPIC,
                record -> (service + "/production").equals(record.key()));
        JsonNode canonical = EventContract.parse(published.value());
        assertThat(EventContract.violations(published.value())).isEmpty();
        assertThat(canonical.path("type").asText()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        assertThat(canonical.path("chainid").asText()).isEqualTo("ci-chain-0001");
        assertThat(canonical.at("/data/context/links/0/target/contextId").asText()).isEqualTo(eventId);
        assertThat(canonical.at("/data/customData/version").asText()).isEqualTo("1.0.0");
        assertThat(KafkaTestClient.header(published, "content-type")).isEqualTo("application/cloudevents+json");
    }

    @Test
    void structuredAndBinaryCloudEventsAreAccepted() {
        String service = unique("checkout");
        ObjectNode structured = (ObjectNode) example("service-upgraded.structured-cloudevent.json");
        structured.put("id", UUID.randomUUID().toString());
        // Fresh event times: a week-old deployment without an anomaly would have baked into STABLE at once.
        structured.put("time", java.time.Instant.now().minusSeconds(10).toString());
        structured.with("data").with("subject").put("id", service);
        structured.with("data").with("subject").with("content").with("environment").put("id", "staging");
        kafka().send(CI_TOPIC, service + "/staging", structured.toString());
        awaitEnvironment(service, "staging", "2.0.0");

        JsonNode binary = example("service-upgraded.binary-cloudevent.json");
        ObjectNode value = (ObjectNode) binary.path("value");
        value.with("subject").put("id", service);
        value.with("subject").with("content").with("environment").put("id", "staging");
        Map<String, String> headers = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = binary.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            headers.put(header.getKey(), header.getValue().asText());
        }
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_time", java.time.Instant.now().toString());
        kafka().send(CI_TOPIC, service + "/staging", value.toString(), headers);

        awaitEnvironment(service, "staging", "3.0.0");
        given().get("/api/v1/services/{s}/environments/staging", service).then()
                .body("stableVersion", equalTo("2.0.0"));
        JsonNode upgraded = EventContract.parse(kafka().awaitRecord(DEPLOYMENTS_TOPIC,
                record -> record.value().contains("\"version\":\"3.0.0\"") && (service + "/staging").equals(record.key())).value());
        assertThat(upgraded.path("type").asText()).isEqualTo("dev.cdevents.service.upgraded.0.3.0");
        assertThat(upgraded.at("/data/customData/previousVersion").asText()).isEqualTo("2.0.0");
        assertThat(upgraded.path("chainid").asText()).isEqualTo("ci-chain-0003");
    }

    @Test
    void officialCdEventsConformanceExamplesAreAccepted() {
        String deployed = EventContract.cdEventsConformanceExample("service_deployed.json").orElse(null);
        String upgraded = EventContract.cdEventsConformanceExample("service_upgraded.json").orElse(null);
        Assumptions.assumeTrue(deployed != null && upgraded != null,
                "../shared/cdevents-v0.5.1/conformance is not present on this machine");
        String environment = unique("conformance");
        for (String example : new String[]{deployed, upgraded}) {
            ObjectNode event = (ObjectNode) EventContract.parse(example);
            // Both examples share one context id; a unique environment and id keep runs independent.
            event.with("context").put("id", UUID.randomUUID().toString());
            event.with("subject").with("content").with("environment").put("id", environment);
            kafka().send(CI_TOPIC, "mySubject123/" + environment, event.toString());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/services/mySubject123/environments/{e}", environment).then()
                        .statusCode(200)
                        .body("currentVersion", equalTo("sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427"))
                        .body("history", hasSize(1)));
    }

    @Test
    void malformedRecordIsDeadLetteredWithTheReasonAndTheNextRecordIsProcessed() {
        String service = unique("checkout");
        kafka().send(CI_TOPIC, service + "/production", "{this is not json");
        ObjectNode noArtifact = (ObjectNode) example("service-deployed.bare-cdevent.json");
        noArtifact.with("context").put("id", UUID.randomUUID().toString());
        noArtifact.with("subject").put("id", service);
        ((ObjectNode) noArtifact.with("subject").with("content")).remove("artifactId");
        kafka().send(CI_TOPIC, service + "/production", noArtifact.toString());

        ObjectNode good = (ObjectNode) example("service-deployed.bare-cdevent.json");
        good.with("context").put("id", UUID.randomUUID().toString());
        good.with("subject").put("id", service);
        kafka().send(CI_TOPIC, service + "/production", good.toString());

        awaitEnvironment(service, "production", "1.0.0");
        var deadLetters = kafka().awaitRecords(CI_TOPIC + ".dlq", record -> (service + "/production").equals(record.key()), 2);
        assertThat(deadLetters).extracting(record -> KafkaTestClient.header(record, "dead-letter-reason"))
                .anySatisfy(reason -> assertThat(reason).contains("not JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("/subject/content/artifactId"));
    }

    @Test
    void aChangeUrlThatIsNotHttpIsDeadLetteredNamingItAndTheNextRecordIsProcessed() {
        String service = unique("checkout");
        ObjectNode scripted = (ObjectNode) example("service-deployed.bare-cdevent.json");
        scripted.with("context").put("id", UUID.randomUUID().toString());
        scripted.with("subject").put("id", service);
        scripted.with("customData").put("changeUrl", "javascript:alert(document.cookie)");
        kafka().send(CI_TOPIC, service + "/production", scripted.toString());

        ObjectNode good = (ObjectNode) example("service-deployed.bare-cdevent.json");
        good.with("context").put("id", UUID.randomUUID().toString());
        good.with("subject").put("id", service);
        good.with("customData").put("changeUrl", "https://git.example.com/shop/commit/abc");
        kafka().send(CI_TOPIC, service + "/production", good.toString());

        awaitEnvironment(service, "production", "1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("current.changeUrl", equalTo("https://git.example.com/shop/commit/abc"))
                .body("history", hasSize(1));
        var deadLetter = kafka().awaitRecord(CI_TOPIC + ".dlq", record -> (service + "/production").equals(record.key()));
        assertThat(KafkaTestClient.header(deadLetter, "dead-letter-reason")).contains("customData.changeUrl");
    }

    @Test
    void redeliveredEventIsAppliedOnce() {
        String service = unique("checkout");
        ObjectNode v1 = (ObjectNode) example("service-deployed.bare-cdevent.json");
        v1.with("context").put("id", UUID.randomUUID().toString());
        v1.with("subject").put("id", service);
        ObjectNode v2 = v1.deepCopy();
        v2.with("context").put("id", UUID.randomUUID().toString());
        v2.with("subject").with("content").put("artifactId", "pkg:generic/" + service + "@2.0.0");

        kafka().send(CI_TOPIC, service + "/production", v1.toString());
        kafka().send(CI_TOPIC, service + "/production", v2.toString());
        kafka().send(CI_TOPIC, service + "/production", v1.toString());
        ObjectNode marker = v1.deepCopy();
        marker.with("context").put("id", UUID.randomUUID().toString());
        marker.with("subject").put("id", service + "-marker");
        // Same key as the others, so the same partition: once the marker is applied, so was the duplicate.
        kafka().send(CI_TOPIC, service + "/production", marker.toString());

        awaitEnvironment(service + "-marker", "production", "1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("2.0.0"))
                .body("history", hasSize(2));
    }
}
