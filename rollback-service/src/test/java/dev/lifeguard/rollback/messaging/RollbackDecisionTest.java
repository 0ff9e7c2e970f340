package dev.lifeguard.rollback.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.repository.PendingAnomalyRepository;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.rollback.service.PendingAnomalyExpiry;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Deployments and anomalies in over Kafka; decisions out over REST and, for rollbacks, on lifeguard.rollbacks. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackDecisionTest {

    private static final String EVIDENCE = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";

    @Inject
    PendingAnomalyRepository pendingAnomalies;

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Inject
    PendingAnomalyExpiry expiry;

    @Test
    void anomalyOfTheRunningDeploymentRequestsARollbackToTheStableVersion() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        ObjectNode anomaly = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, anomaly);

        ConsumerRecord<String, String> record = scenario.awaitRollbackRequest();
        assertThat(EventContract.violations(record.value())).isEmpty();
        assertThat(KafkaTestClient.header(record, "content-type")).isEqualTo("application/cloudevents+json");
        JsonNode request = EventContract.parse(record.value());
        assertThat(request.path("type").asText()).isEqualTo("dev.cdeventsx.lifeguard-rollback.requested.0.1.0");
        assertThat(request.path("subject").asText()).isEqualTo(scenario.key());
        assertThat(request.path("chainid").asText()).isEqualTo(scenario.chainId);
        assertThat(request.at("/data/context/chainId").asText()).isEqualTo(scenario.chainId);
        assertThat(request.at("/data/context/links/0/linkKind").asText()).isEqualTo("TRIGGER");
        assertThat(request.at("/data/context/links/0/target/contextId").asText()).isEqualTo(anomaly.path("id").asText());
        JsonNode content = request.at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo(v2);
        assertThat(content.path("fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("reason").asText()).isEqualTo(EVIDENCE);
        assertThat(content.path("anomalyId").asText()).isEqualTo(anomaly.at("/data/customData/anomalyId").asText());

        String decisionId = request.at("/data/subject/id").asText();
        decisionsOf(scenario).body("", hasSize(1)).body("[0].id", equalTo(decisionId));
        given().get("/api/v1/rollbacks/{id}", decisionId).then()
                .statusCode(200)
                .body("service", equalTo(scenario.service))
                .body("environment", equalTo("production"))
                .body("deploymentId", equalTo(v2))
                .body("fromVersion", equalTo("2.0.0"))
                .body("toVersion", equalTo("1.0.0"))
                .body("decision", equalTo("ROLL_BACK"))
                .body("rule", equalTo("mode-auto"))
                .body("trigger", equalTo("anomaly"))
                .body("reason", equalTo("no policy for " + scenario.key() + ": roll back automatically (mode auto) to"
                        + " 1.0.0; " + EVIDENCE))
                .body("explanation.rule", equalTo("mode-auto"))
                .body("explanation.policy.mode", equalTo("auto"))
                .body("explanation.inputs.evidence", equalTo(EVIDENCE))
                .body("explanation.inputs.deploymentStatus", equalTo("RUNNING"))
                .body("anomalyId", equalTo(content.path("anomalyId").asText()))
                .body("chainId", equalTo(scenario.chainId));
    }

    @Test
    void aCanaryWhoseStepFailsItsAnalysisIsRolledBackToTheStableVersionAtOnce() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String canary = "d-" + java.util.UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 0, 10));
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.1", "1.0.0", 1, 10));
        awaitStatus(canary, DeploymentStatus.ROLLING_OUT);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        ObjectNode anomaly = scenario.stepAnomaly(canary, "2.0.1", 1);
        scenario.send(Scenario.ANOMALIES, anomaly);

        ConsumerRecord<String, String> record = scenario.awaitRollbackRequest();
        assertThat(EventContract.violations(record.value())).isEmpty();
        JsonNode content = EventContract.parse(record.value()).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo(canary);
        assertThat(content.path("fromVersion").asText()).isEqualTo("2.0.1");
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("reason").asText()).isEqualTo("canary 2.0.1 failed its analysis at step 2 (10% of "
                + "traffic): all traffic goes back to 1.0.0; error_rate above 0.05 for 3 consecutive samples (0.21, 0.34,"
                + " 0.4) on 2.0.1");
        String decisionId = EventContract.parse(record.value()).at("/data/subject/id").asText();

        // deploy-service aborted the rollout on the step's verdict, under its own rollback id: done all the same
        ObjectNode aborted = scenario.rolledBack(canary, "2.0.1", "1.0.0", "abort-" + canary);
        aborted.withObject("/data/customData").put("rolloutAborted", true);
        scenario.send(Scenario.DEPLOYMENTS, aborted);
        awaitStatus(canary, DeploymentStatus.ROLLED_BACK);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", decisionId)
                .then().statusCode(200).body("decision", equalTo("ROLL_BACK")).body("execution", equalTo("EXECUTED"))
                .body("executionDetail", equalTo("rollout aborted by abort-" + canary + ": traffic back to 1.0.0")));
        assertThat(QuarkusTransaction.requiringNew().call(() -> trackedDeployments.findById(v1).status))
                .as("the stable deployment never stopped running").isEqualTo(DeploymentStatus.RUNNING);
    }

    @Test
    void aPromotedRolloutRunsInPlaceOfTheStableDeploymentAndIsRolledBackLikeAnyOther() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String canary = "d-" + java.util.UUID.randomUUID();
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.0", "1.0.0", 1, 10));
        scenario.send(Scenario.DEPLOYMENTS, scenario.stepStarted(canary, "2.0.0", "1.0.0", 3, 50));
        awaitStatus(canary, DeploymentStatus.ROLLING_OUT);
        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(canary, "2.0.0", "1.0.0"));
        awaitStatus(canary, DeploymentStatus.RUNNING);
        awaitStatus(v1, DeploymentStatus.SUPERSEDED);

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(canary, "2.0.0"));

        JsonNode content = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/content");
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("reason").asText()).isEqualTo(EVIDENCE);
    }

    @Test
    void aDeploymentIsDecidedOnceWhateverNumberOfAnomaliesItRaises() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        ObjectNode anomaly = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, anomaly);
        scenario.send(Scenario.ANOMALIES, anomaly);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        Scenario.awaitAllEarlierEventsHandled();

        assertThat(scenario.publishedRollbackRequests()).hasSize(1);
        decisionsOf(scenario).body("", hasSize(1)).body("[0].decision", equalTo("ROLL_BACK"));
    }

    @Test
    void withoutAStableVersionTheDecisionIsSkippedAndNothingIsPublished() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));

        awaitDecisionsOf(scenario)
                .body("[0].decision", equalTo("SKIPPED"))
                .body("[0].fromVersion", equalTo("1.0.0"))
                .body("[0].toVersion", nullValue())
                .body("[0].reason", startsWith("no stable version to roll back to; error_rate above 0.05"));
        Scenario.awaitAllEarlierEventsHandled();
        assertThat(scenario.publishedRollbackRequests()).isEmpty();
    }

    @Test
    void anomalyOfADeploymentThatNoLongerRunsIsSkipped() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        // the topics are not ordered against each other: let v2 replace v1 before v1's anomaly comes
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));

        awaitDecisionsOf(scenario)
                .body("[0].decision", equalTo("SKIPPED"))
                .body("[0].reason", startsWith("deployment " + v1 + " is not running any more"));
    }

    @Test
    void anomalyThatOvertakesItsDeploymentWaitsForIt() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = "d-early-" + scenario.service;
        ObjectNode first = scenario.anomaly(v2, "2.0.0");
        scenario.send(Scenario.ANOMALIES, first);
        awaitPending(v2);
        // more of the same while it waits: a redelivery and another anomaly of the same deployment
        scenario.send(Scenario.ANOMALIES, first);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        scenario.send(Scenario.DEPLOYMENTS, scenario.deployment(v2, "2.0.0", "1.0.0"));

        JsonNode request = EventContract.parse(scenario.awaitRollbackRequest().value());
        assertThat(request.at("/data/subject/content/deploymentId").asText()).isEqualTo(v2);
        assertThat(request.at("/data/subject/content/toVersion").asText()).isEqualTo("1.0.0");
        assertThat(request.at("/data/subject/content/reason").asText()).isEqualTo(EVIDENCE);
        assertThat(request.at("/data/subject/content/anomalyId").asText())
                .as("decided on the anomaly that came first").isEqualTo(first.at("/data/customData/anomalyId").asText());
        // same key, same partition, behind the repeats: once this one is decided, the repeats were handled
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v3, "3.0.0"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> decisionsOf(scenario).body("", hasSize(2)));
        decisionsOf(scenario).body("deploymentId", contains(v3, v2));
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.publishedRollbackRequests().size() == 2);
        assertThat(scenario.publishedRollbackRequestsFor(v2)).hasSize(1);
    }

    @Test
    void anomalyWhoseDeploymentNeverComesIsSkippedWhenItsWaitIsOver() {
        Scenario scenario = new Scenario();
        String unknown = "d-unknown-" + scenario.service;
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(unknown, "2.0.0"));
        awaitPending(unknown);

        assertThat(expiry.expireReceivedBefore(OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1))).isPositive();

        decisionsOf(scenario)
                .body("", hasSize(1))
                .body("[0].decision", equalTo("SKIPPED"))
                .body("[0].deploymentId", equalTo(unknown))
                .body("[0].fromVersion", equalTo("2.0.0"))
                .body("[0].reason", startsWith("anomaly for unknown deployment " + unknown));
    }

    @Test
    void goldenExamplesFlowFromDeploymentToRollbackRequest() {
        KafkaTestClient kafka = KafkaTestClient.forTestBroker();
        String key = "checkout/production";
        kafka.send(Scenario.DEPLOYMENTS, key, golden("dev.cdevents.service.deployed.0.3.0").toString());
        kafka.send(Scenario.DEPLOYMENTS, key, golden("dev.cdevents.service.upgraded.0.3.0").toString());
        kafka.send(Scenario.ANOMALIES, key, golden("dev.cdevents.incident.detected.0.3.0").toString());

        JsonNode request = EventContract.parse(kafka.awaitRecord(Scenario.ROLLBACKS, record -> key.equals(record.key())
                && record.value().contains(Scenario.REQUESTED)).value());
        JsonNode expected = golden("dev.cdeventsx.lifeguard-rollback.requested.0.1.0");
        ObjectNode content = request.at("/data/subject/content").deepCopy();
        ObjectNode expectedContent = expected.at("/data/subject/content").deepCopy();
        // the explanation too: the same rule, reason, policy (with the configured escalation team) and inputs
        assertThat(content).isEqualTo(expectedContent);
        assertThat(request.path("chainid")).isEqualTo(expected.path("chainid"));
        assertThat(request.at("/data/context/links")).isEqualTo(expected.at("/data/context/links"));

        // After the rollback 1.0.0 (d-0001) runs again, and it has no stable version of its own.
        kafka.send(Scenario.DEPLOYMENTS, key, golden("dev.cdevents.service.rolledback.0.3.0").toString());
        awaitStatus("d-0002", DeploymentStatus.ROLLED_BACK);
        awaitStatus("d-0001", DeploymentStatus.RUNNING);
        ObjectNode anomalyOfRestored = golden("dev.cdevents.incident.detected.0.3.0");
        anomalyOfRestored.put("id", "anomaly-event-of-d-0001");
        anomalyOfRestored.withObject("/data/context").put("id", "anomaly-event-of-d-0001");
        anomalyOfRestored.withObject("/data/customData").put("deploymentId", "d-0001").put("version", "1.0.0");
        kafka.send(Scenario.ANOMALIES, key, anomalyOfRestored.toString());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("service", "checkout").queryParam("environment", "production")
                        .get("/api/v1/rollbacks").then()
                        .statusCode(200)
                        .body("", hasSize(2))
                        .body("[0].deploymentId", equalTo("d-0001"))
                        .body("[0].reason", startsWith("no stable version to roll back to"))
                        .body("[1].deploymentId", equalTo("d-0002"))
                        .body("[1].decision", equalTo("ROLL_BACK")));
    }

    private void awaitPending(String deploymentId) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                QuarkusTransaction.requiringNew().call(() -> pendingAnomalies.findByIdOptional(deploymentId).isPresent()));
    }

    private void awaitStatus(String deploymentId, DeploymentStatus status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(tracked -> tracked.status == status).orElse(false)));
    }

    private static ObjectNode golden(String type) {
        return Scenario.example(type);
    }

    private static ValidatableResponse decisionsOf(Scenario scenario) {
        return given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then().statusCode(200);
    }

    private static ValidatableResponse awaitDecisionsOf(Scenario scenario) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> decisionsOf(scenario).body("", hasSize(1)));
        return decisionsOf(scenario);
    }
}
