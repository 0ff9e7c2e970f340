package dev.lifeguard.deploy.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciServiceEvent;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The CDEvents service subject from CI: rollbacks done outside Lifeguard, removals, and every other type ignored. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class CiIntakeTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Path CONFORMANCE = EventContract.repositoryRoot().resolve("../shared/cdevents-v0.5.1/conformance");

    @Test
    void aRollbackSomeoneDidWithTheirCdToolUpdatesTheState() {
        String service = unique("cd-tool");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        String eventId = UUID.randomUUID().toString();
        kafka().send(CI_TOPIC, service + "/production", ciServiceEvent(eventId, "rolledback", service, "1.0.0", null));

        awaitEnvironment(service, "production", "1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("lastChange", equalTo("ROLLED_BACK"))
                .body("history[0].id", equalTo(v2))
                .body("history[0].status", equalTo("ROLLED_BACK"));
        given().get("/api/v1/rollbacks/{id}", "ci-" + eventId).then().statusCode(200)
                .body("outcome", equalTo("EXECUTED"))
                .body("reportedBy", equalTo("ci"))
                .body("fromVersion", equalTo("2.0.0"))
                .body("toVersion", equalTo("1.0.0"));
        ConsumerRecord<String, String> published = kafka().awaitRecord(DEPLOYMENTS_TOPIC, record ->
                (service + "/production").equals(record.key()) && record.value().contains("service.rolledback"));
        assertThat(EventContract.violations(published.value())).isEmpty();
        JsonNode rolledBack = EventContract.parse(published.value());
        assertThat(rolledBack.at("/data/customData/reportedBy").asText()).isEqualTo("ci");
        assertThat(rolledBack.at("/data/customData/deploymentId").asText()).isEqualTo(v2);
    }

    @Test
    void aRollbackToAVersionLifeguardNeverSawStillBecomesCurrent() {
        String service = unique("cd-tool-unknown");
        deploy(service, "2.0.0");
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(UUID.randomUUID().toString(), "rolledback", service, "0.9.0", null));
        awaitEnvironment(service, "production", "0.9.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history.size()", equalTo(2))
                .body("history[1].status", equalTo("ROLLED_BACK"));
    }

    @Test
    void aRemovedServiceIsRetiredAndTheOtherServicesAreTold() {
        String service = unique("removed");
        String v1 = deploy(service, "1.0.0");
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(UUID.randomUUID().toString(), "removed", service, null, null));
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/services/{s}/environments/production", service)
                .then().body("currentVersion", nullValue())
                .body("history[0].status", equalTo("RETIRED"))
                .body("history[0].current", equalTo(false)));
        ConsumerRecord<String, String> removed = kafka().awaitRecord(DEPLOYMENTS_TOPIC, record ->
                (service + "/production").equals(record.key()) && record.value().contains("service.removed"));
        assertThat(EventContract.violations(removed.value())).isEmpty();
        assertThat(EventContract.parse(removed.value()).at("/data/customData/deploymentId").asText()).isEqualTo(v1);

        // Deploying again afterwards starts the target afresh.
        deploy(service, "1.1.0");
        awaitEnvironment(service, "production", "1.1.0");
    }

    @Test
    void everyCdEventsConformanceExampleLeavesTheConsumerHealthyWithAnEmptyDeadLetterTopic() throws IOException {
        List<Path> examples = conformanceExamples();
        org.junit.jupiter.api.Assumptions.assumeFalse(examples.isEmpty(),
                "../shared/cdevents-v0.5.1/conformance is not here");
        int dlqBefore = kafka().readAll(CI_TOPIC + ".dlq").size();
        double ignoredBefore = ignoredCount();
        for (Path example : examples) {
            // The examples share one event id: give each its own, as distinct CI events would have.
            String event = Files.readString(example).replace("271069a8-fc18-44f1-b38f-9d70a1695819",
                    UUID.randomUUID().toString());
            kafka().send(CI_TOPIC, "mySubject123/test123", event);
        }
        String marker = unique("conformance-marker");
        kafka().send(CI_TOPIC, "mySubject123/test123", ciServiceEvent(UUID.randomUUID().toString(), "deployed", marker,
                "1.0.0", null));
        awaitEnvironment(marker, "production", "1.0.0");

        assertThat(kafka().readAll(CI_TOPIC + ".dlq")).hasSize(dlqBefore);
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(ignoredCount() - ignoredBefore).as("the other CDEvents types (not deployments, not test evidence), ignored and counted")
                .isEqualTo(examples.stream().filter(path -> (!path.getFileName().toString().startsWith("service_")
                        || path.getFileName().toString().equals("service_published.json"))
                        && !path.getFileName().toString().equals("testsuiterun_finished.json")).count());
        given().get("/api/v1/services/mySubject123/environments/test123").then().statusCode(200)
                .body("history.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    private static List<Path> conformanceExamples() throws IOException {
        if (!Files.isDirectory(CONFORMANCE)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(CONFORMANCE)) {
            return files.filter(path -> path.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static double ignoredCount() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("lifeguard_deploy_ci_events_ignored_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
