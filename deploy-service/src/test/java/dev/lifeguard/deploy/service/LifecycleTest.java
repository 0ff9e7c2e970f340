package dev.lifeguard.deploy.service;

import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.ANALYSES_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ANOMALIES_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.anomaly;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciServiceEvent;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishVerdict;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.statusOf;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.DeployFixtures.verdict;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Statuses from analysis verdicts, the verified stable version, baking, and event-time ordering. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class LifecycleTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Inject
    DeploymentService deployments;

    @Test
    void aPassedAnalysisMakesTheDeploymentStableAndTheVerifiedRollbackTarget() {
        String service = unique("verdicts");
        String v1 = deploy(service, "1.0.0");
        assertThat(statusOf(service, v1)).isEqualTo("ANALYSING");
        publishVerdict(service, v1, "passed");
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/services/{s}/environments/production", service)
                .then().body("status", equalTo("STABLE"))
                .body("stableVersion", equalTo("1.0.0"))
                .body("stableVerified", equalTo(true)));

        String v2 = deploy(service, "2.0.0");
        publishVerdict(service, v2, "failed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v2)).isEqualTo("FAILED"));
        deploy(service, "3.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("3.0.0"))
                .body("status", equalTo("ANALYSING"))
                .body("stableVersion", equalTo("1.0.0"))
                .body("stableVerified", equalTo(true))
                .body("history[1].status", equalTo("FAILED"))
                .body("history[1].flagged", equalTo(true))
                .body("history[2].status", equalTo("STABLE"));
        ConsumerRecord<String, String> upgraded = kafka().awaitRecord(DEPLOYMENTS_TOPIC, record ->
                record.value().contains("\"version\":\"3.0.0\"") && (service + "/production").equals(record.key()));
        assertThat(EventContract.violations(upgraded.value())).isEmpty();
        assertThat(EventContract.parse(upgraded.value()).at("/data/customData/stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(EventContract.parse(upgraded.value()).at("/data/customData/stableVerified").asBoolean()).isTrue();
    }

    @Test
    void withoutAStableDeploymentTheNewestReplacedUnflaggedOneIsAnUnverifiedTarget() {
        String service = unique("unverified");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        deploy(service, "3.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("stableVersion", equalTo("2.0.0"))
                .body("stableVerified", equalTo(false))
                .body("history[1].status", equalTo("SUPERSEDED"));

        String other = unique("flagged");
        deploy(other, "1.0.0");
        String flagged = deploy(other, "2.0.0");
        kafka().send(ANOMALIES_TOPIC, other + "/production", anomaly(other, flagged));
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/deployments/{id}", flagged).then()
                .body("flagged", equalTo(true)));
        deploy(other, "3.0.0");
        given().get("/api/v1/services/{s}/environments/production", other).then()
                .body("stableVersion", equalTo("1.0.0"))
                .body("stableVerified", equalTo(false));
    }

    @Test
    void anInconclusiveAnalysisIsShownAndAReplacedDeploymentIsSuperseded() {
        String service = unique("inconclusive");
        String v1 = deploy(service, "1.0.0");
        publishVerdict(service, v1, "inconclusive");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v1)).isEqualTo("INCONCLUSIVE"));
        deploy(service, "2.0.0");
        assertThat(statusOf(service, v1)).isEqualTo("SUPERSEDED");
    }

    @Test
    void analysesEndedByReplacementChangeNothingAndAVerdictArrivingTwiceIsAppliedOnce() {
        String service = unique("ended");
        String v1 = deploy(service, "1.0.0");
        kafka().send(ANALYSES_TOPIC, service + "/production", verdict(service, v1, "inconclusive", "superseded"));
        String passed = verdict(service, v1, "passed", "window");
        kafka().send(ANALYSES_TOPIC, service + "/production", passed);
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v1)).isEqualTo("STABLE"));
        String v2 = deploy(service, "2.0.0");
        publishVerdict(service, v2, "failed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(service, v2)).isEqualTo("FAILED"));
        // The passed verdict of 1.0.0 again (a redelivery) must not touch anything.
        kafka().send(ANALYSES_TOPIC, service + "/production", passed);
        String marker = unique("marker");
        String markerDeployment = deploy(marker, "1.0.0");
        publishVerdict(marker, markerDeployment, "passed");
        await().atMost(BOUND).untilAsserted(() -> assertThat(statusOf(marker, markerDeployment)).isEqualTo("STABLE"));
        assertThat(statusOf(service, v2)).isEqualTo("FAILED");
        assertThat(statusOf(service, v1)).isEqualTo("STABLE");
    }

    @Test
    void aDeploymentWithoutAVerdictBakesIntoStableUnlessAnAnomalyFlaggedIt() {
        String service = unique("bake");
        String v1 = deploy(service, "1.0.0");
        String other = unique("bake-flagged");
        String flagged = deploy(other, "1.0.0");
        kafka().send(ANOMALIES_TOPIC, other + "/production", anomaly(other, flagged));
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/deployments/{id}", flagged).then()
                .body("flagged", equalTo(true)));

        // As the bake timer would see it once the bake time has passed for both.
        OffsetDateTime later = OffsetDateTime.now(ZoneOffset.UTC).plusHours(3);
        List<String> due = deployments.baked(later);
        assertThat(due).contains(v1).doesNotContain(flagged);
        due.forEach(id -> deployments.bake(id, later));
        deployments.bake(flagged, later);
        assertThat(statusOf(service, v1)).isEqualTo("STABLE");
        assertThat(statusOf(other, flagged)).isEqualTo("ANALYSING");
        given().get("/api/v1/deployments/{id}", v1).then().body("statusReason", org.hamcrest.Matchers.containsString("baked"));
    }

    @Test
    void aCiEventOlderThanTheCurrentDeploymentIsKeptAsLateAndNeverReplacesIt() {
        String service = unique("late");
        Instant now = Instant.now();
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(UUID.randomUUID().toString(), "deployed", service, "3.0.0", now.minusSeconds(60).toString()));
        awaitEnvironment(service, "production", "3.0.0");
        String lateEventId = UUID.randomUUID().toString();
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(lateEventId, "upgraded", service, "2.0.0", now.minusSeconds(600).toString()));
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/services/{s}/environments/production", service)
                .then().body("history.size()", equalTo(2)));
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("3.0.0"))
                .body("history[0].version", equalTo("3.0.0"))
                .body("history[0].deployedAt", org.hamcrest.Matchers.startsWith(
                        now.minusSeconds(60).toString().substring(0, 19)))
                .body("history[1].version", equalTo("2.0.0"))
                .body("history[1].late", equalTo(true))
                .body("history[1].current", equalTo(false))
                .body("history[1].status", equalTo("SUPERSEDED"))
                .body("stableVersion", nullValue());
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "\"version\":\"2.0.0\"")).isEmpty();
    }

    @Test
    void concurrentFirstReportsOverRestAndKafkaAreSerialisedNeverDeadLettered() {
        String service = unique("race");
        kafka().send(CI_TOPIC, service + "/production",
                ciServiceEvent(UUID.randomUUID().toString(), "deployed", service, "1.0.0", Instant.now().toString()));
        given().contentType("application/json")
                .body(Map.of("service", service, "environment", "production", "version", "1.0.1"))
                .post("/api/v1/deployments").then().statusCode(201);
        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/services/{s}/environments/production", service)
                .then().body("history.size()", equalTo(2)));
        List<Map<String, Object>> history = given().get("/api/v1/services/{s}/environments/production", service)
                .then().extract().jsonPath().getList("history");
        assertThat(history).filteredOn(row -> Boolean.TRUE.equals(row.get("current"))).hasSize(1);
        assertThat(recordsWith("lifeguard.ci.dlq", service + "/production", service)).isEmpty();
    }
}
