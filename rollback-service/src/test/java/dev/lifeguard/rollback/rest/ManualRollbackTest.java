package dev.lifeguard.rollback.rest;

import dev.lifeguard.rollback.People;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * {@code POST /api/v1/rollbacks}: a person's rollback of what runs, decided under the same rules as an automatic
 * one and published the same way on lifeguard.rollbacks; every refusal a problem that says why.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ManualRollbackTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Test
    void manualRollbackOfTheRunningDeploymentPublishesOneRequestToTheStableVersion() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);

        ValidatableResponse created = post(request(scenario, "EU customers get 502 since 2.0.0").with("requestedBy", "alice"))
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("decision", equalTo("MANUAL"))
                .body("service", equalTo(scenario.service))
                .body("environment", equalTo("production"))
                .body("deploymentId", equalTo(v2))
                .body("fromVersion", equalTo("2.0.0"))
                .body("toVersion", equalTo("1.0.0"))
                .body("reason", equalTo("manual (requested by alice): EU customers get 502 since 2.0.0"))
                .body("requestedBy", equalTo("alice"))
                .body("anomalyId", nullValue())
                .body("chainId", equalTo(scenario.chainId))
                .body("execution", nullValue());
        String id = created.extract().path("id");
        created.header("Location", endsWith("/api/v1/rollbacks/" + id));

        ConsumerRecord<String, String> record = scenario.awaitRollbackRequest();
        assertThat(EventContract.violations(record.value())).isEmpty();
        JsonNode event = EventContract.parse(record.value());
        assertThat(event.path("type").asText()).isEqualTo("dev.cdeventsx.lifeguard-rollback.requested.0.1.0");
        assertThat(event.path("chainid").asText()).isEqualTo(scenario.chainId);
        assertThat(event.at("/data/context/links").isMissingNode()).as("no anomaly triggered it").isTrue();
        assertThat(event.at("/data/subject/id").asText()).isEqualTo(id);
        JsonNode content = event.at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo(v2);
        assertThat(content.path("fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("reason").asText()).isEqualTo("manual (requested by alice): EU customers get 502 since 2.0.0");
        assertThat(content.path("anomalyId").isNull()).isTrue();
        assertThat(content.path("manual").asBoolean()).isTrue();
        assertThat(content.path("requestedBy").asText()).isEqualTo("alice");

        assertThat(content.path("decision").asText()).isEqualTo("MANUAL");
        assertThat(content.at("/explanation/rule").asText()).isEqualTo("manual");
        assertThat(content.at("/explanation/inputs/trigger").asText()).isEqualTo("manual");
        assertThat(content.at("/explanation/inputs/requestedBy").asText()).isEqualTo("alice");

        given().get("/api/v1/rollbacks/{id}", id).then().statusCode(200).body("decision", equalTo("MANUAL"))
                .body("rule", equalTo("manual"))
                .body("trigger", equalTo("manual"))
                .body("reason", equalTo("manual (requested by alice): EU customers get 502 since 2.0.0"))
                .body("explanation.inputs.trigger", equalTo("manual"))
                .body("explanation.inputs.requestedBy", equalTo("alice"))
                .body("explanation.inputs.deploymentStatus", equalTo("RUNNING"))
                .body("explanation.policy.mode", equalTo("auto"));
        given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then()
                .body("", hasSize(1)).body("[0].id", equalTo(id));
        // the decision itself, as every decision is published (notify-service does not tell it twice)
        JsonNode decided = await().atMost(java.time.Duration.ofSeconds(30)).until(
                () -> scenario.publishedAbout(Scenario.DECIDED, id), found -> !found.isEmpty()).get(0);
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        assertThat(decided.at("/data/subject/content/decision").asText()).isEqualTo("MANUAL");
        assertThat(decided.at("/data/subject/content/explanation/rule").asText()).isEqualTo("manual");
    }

    @Test
    void anEarlierGoodVersionCanBeNamedInsteadOfTheStableOne() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        scenario.deploy("2.0.0", "1.0.0");
        String v3 = scenario.deploy("3.0.0", "2.0.0");
        awaitStatus(v3, DeploymentStatus.RUNNING);

        post(request(scenario, "2.x has the same bug").with("toVersion", "1.0.0")).statusCode(201)
                .body("fromVersion", equalTo("3.0.0"))
                .body("toVersion", equalTo("1.0.0"))
                .body("reason", equalTo("manual (requested by " + TestTokens.ADMIN_SUBJECT + "): 2.x has the same bug"))
                .body("requestedBy", equalTo(TestTokens.ADMIN_SUBJECT));

        JsonNode content = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo(v3);
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("requestedBy").asText()).as("who asks is the token's subject, said or not")
                .isEqualTo(TestTokens.ADMIN_SUBJECT);
    }

    @Test
    void malformedRequestsAreProblemsThatNameTheField() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);

        expectInvalid(Body.of("environment", "production", "reason", "broken"), "service", "is required");
        expectInvalid(Body.of("service", "checkout/../admin", "environment", "production", "reason", "broken"),
                "service", "must be 1-100 letters");
        expectInvalid(Body.of("service", scenario.service, "reason", "broken"), "environment", "is required");
        expectInvalid(Body.of("service", scenario.service, "environment", "prod uction", "reason", "broken"),
                "environment", "must be 1-100 letters");
        expectInvalid(request(scenario, "  "), "reason", "is required");
        expectInvalid(request(scenario, "x".repeat(2001)), "reason", "at most 2000 characters");
        expectInvalid(request(scenario, "broken").with("toVersion", "9".repeat(201)), "toVersion", "at most 200 characters");
        expectInvalid(request(scenario, "broken").with("requestedBy", "a".repeat(201)), "requestedBy", "at most 200");
        given().contentType(ContentType.JSON).body("{\"service\": [1]}").post("/api/v1/rollbacks").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("service"));
        given().contentType(ContentType.JSON).post("/api/v1/rollbacks").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("body"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "two words")
                .body(request(scenario, "broken").map).post("/api/v1/rollbacks").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("Idempotency-Key"));

        assertThat(decisionCount(scenario)).as("nothing was decided").isZero();
    }

    @Test
    void theTargetVersionMustBeAnEarlierVersionNotKnownToBeBad() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v2, "2.0.0", "1.0.0"));
        awaitStatus(v1, DeploymentStatus.RUNNING);
        String v3 = scenario.deploy("3.0.0", "1.0.0");
        String v4 = scenario.deploy("4.0.0", "3.0.0");
        awaitStatus(v4, DeploymentStatus.RUNNING);

        expectBadTarget(scenario, "4.0.0", "toVersion 4.0.0 is the version that runs now");
        expectBadTarget(scenario, "2.0.0", "version 2.0.0 was rolled back (deployment " + v2 + ")");
        expectBadTarget(scenario, "0.9.0", "toVersion 0.9.0 has never been deployed to " + scenario.service
                + " in production as far as rollback-service knows (earlier versions that can be gone back to: 3.0.0, 1.0.0)");
        assertThat(decisionCount(scenario)).isZero();

        // back to 1.0.0 by hand; once that is done, 3.0.0 is newer than what runs, and 4.0.0 was rolled back
        String id = post(request(scenario, "3.x and 4.x are slow").with("toVersion", "1.0.0")).statusCode(201)
                .body("toVersion", equalTo("1.0.0")).extract().path("id");
        scenario.send(Scenario.DEPLOYMENTS, scenario.rolledBack(v4, "4.0.0", "1.0.0", id));
        awaitStatus(v1, DeploymentStatus.RUNNING);
        assertThat(QuarkusTransaction.requiringNew().call(() -> trackedDeployments.findById(v3).status))
                .isEqualTo(DeploymentStatus.SUPERSEDED);
        expectBadTarget(scenario, "3.0.0", "toVersion 3.0.0 was deployed after the version that runs (1.0.0):"
                + " a rollback goes back to an earlier version");
        expectBadTarget(scenario, "4.0.0", "version 4.0.0 was rolled back (deployment " + v4 + ")");
        given().get("/api/v1/rollbacks/{id}", id).then().body("execution", equalTo("EXECUTED"))
                .body("executionDetail", equalTo("rolled back to 1.0.0"));
    }

    @Test
    void aVersionAnAnomalyFlaggedIsNoTargetNotEvenAsTheStableVersion() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));
        await().atMost(BOUND).until(() -> decisionCount(scenario) == 1);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);

        post(request(scenario, "broken")).statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("toVersion"))
                .body("detail", containsString("the stable version is no target: version 1.0.0 was flagged by an anomaly"));
        expectBadTarget(scenario, "1.0.0", "version 1.0.0 was flagged by an anomaly");
    }

    @Test
    void withoutAStableVersionTheVersionMustBeNamed() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        awaitStatus(v1, DeploymentStatus.RUNNING);

        post(request(scenario, "broken")).statusCode(409)
                .contentType("application/problem+json")
                .body("field", equalTo("toVersion"))
                .body("detail", equalTo("no stable version is known for " + scenario.service
                        + " in production (running 1.0.0): name the version to go back to with toVersion"));
    }

    @Test
    void anUnknownTargetIsNotFoundAndATargetWhereNothingRunsIsAConflict() {
        Scenario unknown = new Scenario();
        post(request(unknown, "broken")).statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("rollback-service knows no deployment of " + unknown.service + " in production"));

        Scenario nothingRuns = new Scenario();
        String v2 = nothingRuns.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        nothingRuns.send(Scenario.DEPLOYMENTS, nothingRuns.rolledBack(v2, "2.0.0", "1.0.0"));
        awaitStatus(v2, DeploymentStatus.ROLLED_BACK);
        post(request(nothingRuns, "broken")).statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Conflict"))
                .body("detail", equalTo("nothing runs for " + nothingRuns.service + " in production as far as"
                        + " rollback-service knows (deployment " + v2 + " of 2.0.0 was rolled back to 1.0.0, whose"
                        + " deployment event has not been seen)"));
    }

    @Test
    void anAnomalyWaitingForItsDeploymentHoldsManualRollbacksOfItsTarget() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        String v3 = "d-" + UUID.randomUUID();
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v3, "3.0.0"));

        await().atMost(BOUND).untilAsserted(() -> post(request(scenario, "broken")).statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("an anomaly of deployment " + v3 + " of " + scenario.service
                        + " in production waits for that deployment's event")));
        assertThat(decisionCount(scenario)).isZero();
    }

    @Test
    void aRollbackUnderWayHoldsTheNextOneUntilDeployServiceReportsItFailedOrSkipped() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        // an automatic decision first
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        String automatic = EventContract.parse(scenario.awaitRollbackRequest().value()).at("/data/subject/id").asText();

        post(request(scenario, "still broken")).statusCode(409)
                .body("detail", containsString("a rollback of " + scenario.service + " in production is under way:"
                        + " decision " + automatic + " (ROLL_BACK, 2.0.0 -> 1.0.0)"));

        scenario.send(Scenario.DEPLOYMENTS, scenario.executionReport("accepted", automatic, v2, "manual executor: roll back by hand"));
        awaitExecution(automatic, "ACCEPTED");
        post(request(scenario, "still broken")).statusCode(409).body("detail", containsString(automatic + " (ROLL_BACK, 2.0.0 -> 1.0.0, ACCEPTED)"));

        scenario.send(Scenario.DEPLOYMENTS, scenario.executionReport("failed", automatic, v2, "webhook answered 503 (3 attempts)"));
        awaitExecution(automatic, "FAILED");
        given().get("/api/v1/rollbacks/{id}", automatic).then().body("executionDetail", equalTo("webhook answered 503 (3 attempts)"));
        String manual = post(request(scenario, "the webhook is back, try again")).statusCode(201)
                .body("deploymentId", equalTo(v2)).body("toVersion", equalTo("1.0.0"))
                .extract().path("id");

        post(request(scenario, "and again")).statusCode(409).body("detail", containsString("decision " + manual + " (MANUAL"));
        scenario.send(Scenario.DEPLOYMENTS, scenario.executionReport("skipped", manual, v2, "already on 1.0.0"));
        awaitExecution(manual, "SKIPPED");
        String third = post(request(scenario, "and again")).statusCode(201).extract().path("id");
        assertThat(third).isNotIn(automatic, manual);
        // a late report does not change a final one (the report after it, on the same partition, shows it was read)
        scenario.send(Scenario.DEPLOYMENTS, scenario.executionReport("accepted", manual, v2, "late"));
        scenario.send(Scenario.DEPLOYMENTS, scenario.executionReport("failed", third, v2, "webhook answered 404"));
        awaitExecution(third, "FAILED");
        given().get("/api/v1/rollbacks/{id}", manual).then().body("execution", equalTo("SKIPPED"))
                .body("executionDetail", equalTo("already on 1.0.0"));
        given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then()
                .body("decision", org.hamcrest.Matchers.contains("MANUAL", "MANUAL", "ROLL_BACK"));
    }

    @Test
    void anAnomalyOfADeploymentRolledBackByHandMakesNoSecondRequest() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2, DeploymentStatus.RUNNING);
        post(request(scenario, "broken")).statusCode(201);
        scenario.awaitRollbackRequest();

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));
        // decided after the one before it on the same partition: skipped, as v1 does not run
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));
        await().atMost(BOUND).until(() -> decisionCount(scenario) == 2);

        given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then()
                .body("deploymentId", org.hamcrest.Matchers.contains(v1, v2))
                .body("decision", org.hamcrest.Matchers.contains("SKIPPED", "MANUAL"));
        assertThat(scenario.publishedRollbackRequests()).as("no decision, so no request, for the anomaly").hasSize(1);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A JSON request body, built up field by field. */
    record Body(Map<String, Object> map) {
        static Body of(String... fieldsAndValues) {
            Map<String, Object> map = new HashMap<>();
            for (int i = 0; i < fieldsAndValues.length; i += 2) {
                map.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
            }
            return new Body(map);
        }

        Body with(String field, Object value) {
            Map<String, Object> copy = new HashMap<>(map);
            copy.put(field, value);
            return new Body(copy);
        }
    }

    static Body request(Scenario scenario, String reason) {
        return Body.of("service", scenario.service, "environment", scenario.environment, "reason", reason);
    }

    static ValidatableResponse post(Body body) {
        // whoever asks is the token's subject: a body naming someone is sent as them
        Object by = body.map().get("requestedBy");
        var caller = by instanceof String name && name.length() <= 200 ? People.as(name) : given();
        return caller.contentType(ContentType.JSON).body(body.map()).post("/api/v1/rollbacks").then();
    }

    private static void expectInvalid(Body body, String field, String detail) {
        post(body).statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field))
                .body("detail", containsString(detail));
    }

    private static void expectBadTarget(Scenario scenario, String toVersion, String detail) {
        post(request(scenario, "broken").with("toVersion", toVersion)).statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("toVersion"))
                .body("detail", containsString(detail))
                .body("detail", not(containsString("can be gone back to: " + toVersion)));
    }

    private static int decisionCount(Scenario scenario) {
        return given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then()
                .statusCode(200).extract().jsonPath().getList("$").size();
    }

    private static void awaitExecution(String decisionId, String execution) {
        await().atMost(BOUND).untilAsserted(() ->
                given().get("/api/v1/rollbacks/{id}", decisionId).then().body("execution", equalTo(execution)));
    }

    private void awaitStatus(String deploymentId, DeploymentStatus status) {
        await().atMost(BOUND).until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(tracked -> tracked.status)).equals(Optional.of(status)));
    }
}
