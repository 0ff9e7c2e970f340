package dev.lifeguard.rollback.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityMatrix;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static dev.lifeguard.testsupport.SecurityMatrix.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Who may call what on rollback-service: every endpoint against the six cases of {@link SecurityMatrix}, team scope
 * of policies, the actor being the token's subject, strict and bounded bodies, and the audit trail of calls and of
 * automatic decisions.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackSecurityTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String TEAM = "payments";
    private static final String AUDIT = "lifeguard.audit";

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Test
    void everyEndpointAnswersEachCaseAsItShould() {
        String environment = "env-" + UUID.randomUUID().toString().substring(0, 8);
        String envPath = "/api/v1/policies/environments/" + environment;
        String servicePath = "/api/v1/policies/services/checkout/environments/" + environment;
        String owned = "{\"mode\": \"approval\", \"team\": \"" + TEAM + "\"}";
        given().contentType(ContentType.JSON).body(owned).put(envPath).then().statusCode(201);
        given().contentType(ContentType.JSON).body(owned).put(servicePath).then().statusCode(201);

        Scenario scenario = runningScenario();
        String decision = manualRollback(scenario, TestTokens.admin()).extract().path("id");
        Scenario another = runningScenario();
        // a row sent already: retrying it is a conflict, which the right token gets as far as
        String outboxRow = await().atMost(BOUND).until(() -> given().queryParam("status", "sent")
                .queryParam("limit", "1").get("/api/v1/outbox").then().statusCode(200).extract().path("[0].id"),
                java.util.Objects::nonNull).toString();

        SecurityMatrix.check(
                endpoint("GET", "/api/v1/policies").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/policies/effective?service=checkout&environment=" + environment)
                        .needs("viewer").answers(200),
                endpoint("GET", envPath).needs("viewer").ownedBy(TEAM).answers(200),
                endpoint("PUT", envPath).body(owned).needs("operator").ownedBy(TEAM).answers(200),
                endpoint("DELETE", envPath).needs("operator").ownedBy(TEAM).answers(204),
                endpoint("GET", servicePath).needs("viewer").ownedBy(TEAM).answers(200),
                endpoint("PUT", servicePath).body(owned).needs("operator").ownedBy(TEAM).answers(200),
                endpoint("DELETE", servicePath).needs("operator").ownedBy(TEAM).answers(204),
                endpoint("GET", "/api/v1/rollbacks").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/rollbacks/" + decision).needs("viewer").answers(200),
                endpoint("POST", "/api/v1/rollbacks")
                        .body("{\"service\": \"" + another.service + "\", \"environment\": \"" + another.environment
                                + "\", \"reason\": \"broken\"}")
                        .needs("operator").answers(201),
                // a manual decision is no approval's: the right token gets as far as the conflict
                endpoint("POST", "/api/v1/rollbacks/" + decision + "/approve").body("{}").needs("operator").answers(409),
                endpoint("POST", "/api/v1/rollbacks/" + decision + "/reject").body("{\"reason\": \"no\"}")
                        .needs("operator").answers(409),
                endpoint("GET", "/api/v1/outbox").needs("viewer").answers(200),
                endpoint("POST", "/api/v1/outbox/" + outboxRow + "/retry").needs("operator").answers(409));
    }

    @Test
    void aTeamsPolicyIsInvisibleToOtherTeamsAndThePlatformsIsChangedOnlyByAdmins() {
        String environment = "env-" + UUID.randomUUID().toString().substring(0, 8);
        String envPath = "/api/v1/policies/environments/" + environment;
        String servicePath = "/api/v1/policies/services/checkout/environments/" + environment;
        RequestSpecification paymentsOperator = TestTokens.as(TestTokens.forRole("operator", TEAM));
        RequestSpecification othersOperator = TestTokens.as(TestTokens.forRole("operator", "search"));

        // an operator creates a policy for its own team only, never for another's or for none
        othersOperator.contentType(ContentType.JSON).body("{\"mode\": \"off\", \"team\": \"" + TEAM + "\"}")
                .put(servicePath).then().statusCode(403).contentType("application/problem+json")
                .body("field", equalTo("team"));
        TestTokens.as(TestTokens.forRole("operator", TEAM)).contentType(ContentType.JSON).body("{\"mode\": \"off\"}")
                .put(servicePath).then().statusCode(403).body("field", equalTo("team"));
        paymentsOperator.contentType(ContentType.JSON).body("{\"mode\": \"off\", \"team\": \"" + TEAM + "\"}")
                .put(servicePath).then().statusCode(201).body("team", equalTo(TEAM))
                .body("updatedBy", equalTo("test-operator"));
        // the environment's policy is the platform's: every viewer sees it, only an admin changes it
        given().contentType(ContentType.JSON).body("{\"mode\": \"approval\"}").put(envPath).then().statusCode(201)
                .body("team", equalTo(null));

        TestTokens.as(TestTokens.forRole("viewer", "search")).queryParam("environment", environment)
                .get("/api/v1/policies").then().statusCode(200)
                .body("scope", equalTo(java.util.List.of("environment")));
        TestTokens.as(TestTokens.forRole("viewer", TEAM)).queryParam("environment", environment)
                .get("/api/v1/policies").then().statusCode(200)
                .body("scope", equalTo(java.util.List.of("environment", "service")));
        othersOperator.contentType(ContentType.JSON).body("{\"mode\": \"auto\"}").put(envPath).then()
                .statusCode(403).contentType("application/problem+json");
        othersOperator.delete(envPath).then().statusCode(403);
        othersOperator.delete(servicePath).then().statusCode(404).contentType("application/problem+json");
        // another team cannot take the policy over either: to it, the policy does not exist
        othersOperator.contentType(ContentType.JSON).body("{\"mode\": \"auto\", \"team\": \"search\"}")
                .put(servicePath).then().statusCode(404);

        // the effective policy stays readable by any viewer: it is what decides that target's rollbacks
        TestTokens.as(TestTokens.forRole("viewer", "search")).queryParam("service", "checkout")
                .queryParam("environment", environment).get("/api/v1/policies/effective").then().statusCode(200)
                .body("mode", equalTo("off"));

        // an admin may hand it to another team
        given().contentType(ContentType.JSON).body("{\"mode\": \"off\", \"team\": \"search\"}").put(servicePath)
                .then().statusCode(200).body("team", equalTo("search")).body("version", equalTo(2));
        paymentsOperator.get(servicePath).then().statusCode(404);
    }

    @Test
    void theActorIsTheTokensSubjectAndAnotherNameIsRefused() {
        Scenario scenario = runningScenario();
        String alice = TestTokens.token("alice", Set.of("operator"), Set.of());
        TestTokens.as(alice).contentType(ContentType.JSON)
                .body(Map.of("service", scenario.service, "environment", scenario.environment, "reason", "broken",
                        "requestedBy", "bob"))
                .post("/api/v1/rollbacks").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("requestedBy")).body("detail", containsString("'alice'"));
        TestTokens.as(alice).header("X-Lifeguard-User", "bob").contentType(ContentType.JSON)
                .body(Map.of("service", scenario.service, "environment", scenario.environment, "reason", "broken"))
                .post("/api/v1/rollbacks").then().statusCode(400).body("field", equalTo("X-Lifeguard-User"));
        String decision = manualRollback(scenario, alice).body("requestedBy", equalTo("alice")).extract().path("id");
        JsonNode requested = EventContract.parse(scenario.awaitRollbackRequest().value());
        assertThat(requested.at("/data/subject/content/requestedBy").asText()).isEqualTo("alice");

        TestTokens.as(alice).contentType(ContentType.JSON).body("{\"by\": \"bob\"}")
                .post("/api/v1/rollbacks/{id}/approve", decision).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("by"));
        TestTokens.as(alice).contentType(ContentType.JSON).body("{\"by\": \"alice\", \"reason\": \"no\"}")
                .post("/api/v1/rollbacks/{id}/reject", decision).then().statusCode(409);

        String environment = "env-" + UUID.randomUUID().toString().substring(0, 8);
        TestTokens.as(TestTokens.token("carol", Set.of("admin"), Set.of())).contentType(ContentType.JSON)
                .body("{\"mode\": \"auto\", \"by\": \"dave\"}").put("/api/v1/policies/environments/" + environment)
                .then().statusCode(400).body("field", equalTo("by"));
        TestTokens.as(TestTokens.token("carol", Set.of("admin"), Set.of())).contentType(ContentType.JSON)
                .body("{\"mode\": \"auto\"}").put("/api/v1/policies/environments/" + environment)
                .then().statusCode(201).body("updatedBy", equalTo("carol"));
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        Scenario scenario = runningScenario();
        given().contentType(ContentType.JSON)
                .body(Map.of("service", scenario.service, "environment", scenario.environment, "reason", "broken",
                        "decision", "APPROVED"))
                .post("/api/v1/rollbacks").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("decision"));
        given().contentType(ContentType.JSON).body("{\"reason\": \"ok\", \"settledBy\": \"x\"}")
                .post("/api/v1/rollbacks/{id}/approve", "any").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("settledBy"));
        given().contentType(ContentType.JSON).body("{\"mode\": \"auto\", \"version\": 7}")
                .put("/api/v1/policies/environments/env-x").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("version"));
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        SecurityMatrix.assertBodyLimit("POST /api/v1/rollbacks", "PUT /api/v1/policies/environments/production");
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        SecurityMatrix.assertOperationsEndpointsOpen();
    }

    @Test
    void aCallAndAnAutomaticDecisionAreEachInTheAuditTrail() {
        Scenario scenario = runningScenario();
        String v2 = scenario.deploy("3.0.0", "2.0.0");
        awaitStatus(v2);
        // a refused call is audited too, with who made it
        TestTokens.as(TestTokens.token("mallory", Set.of("viewer"), Set.of())).contentType(ContentType.JSON)
                .body(Map.of("service", scenario.service, "environment", scenario.environment, "reason", "x"))
                .post("/api/v1/rollbacks").then().statusCode(403);
        JsonNode call = awaitAudit(record -> record.value().contains("\"mallory\""));
        assertThat(EventContract.violations(call.toString())).isEmpty();
        assertThat(call.at("/data/subject/content/actor").asText()).isEqualTo("mallory");
        assertThat(call.at("/data/subject/content/outcome").asText()).isEqualTo("forbidden");

        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "3.0.0"));
        JsonNode decided = awaitAudit(record -> record.value().contains("rollback.decided")
                && record.value().contains(scenario.key()));
        assertThat(EventContract.violations(decided.toString())).isEmpty();
        JsonNode content = decided.at("/data/subject/content");
        assertThat(content.path("actor").asText()).isEqualTo("service:rollback-service");
        assertThat(content.path("action").asText()).isEqualTo("rollback.decided");
        assertThat(content.path("target").asText()).isEqualTo(scenario.key());
        assertThat(content.path("outcome").asText()).isEqualTo("ROLL_BACK");
        assertThat(content.path("detail").asText()).isNotBlank();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private Scenario runningScenario() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        awaitStatus(v2);
        return scenario;
    }

    private void awaitStatus(String deploymentId) {
        await().atMost(BOUND).until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(deploymentId).map(d -> d.status == DeploymentStatus.RUNNING)
                        .orElse(false)));
    }

    private static io.restassured.response.ValidatableResponse manualRollback(Scenario scenario, String token) {
        return TestTokens.as(token).contentType(ContentType.JSON)
                .body(Map.of("service", scenario.service, "environment", scenario.environment, "reason", "broken"))
                .post("/api/v1/rollbacks").then().statusCode(201);
    }

    private static JsonNode awaitAudit(java.util.function.Predicate<ConsumerRecord<String, String>> matching) {
        return EventContract.parse(new Scenario().kafka.awaitRecord(AUDIT, matching).value());
    }
}
