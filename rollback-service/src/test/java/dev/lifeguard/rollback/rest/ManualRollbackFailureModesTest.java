package dev.lifeguard.rollback.rest;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Manual rollbacks when things go wrong: a client that retries, two requests at once, the database away.
 * Each still makes at most one decision and one rollback request.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ManualRollbackFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    TrackedDeploymentRepository trackedDeployments;

    @Inject
    RollbackDecisionRepository decisions;

    // --- twice -----------------------------------------------------------------------------------------------

    @Test
    void aRequestRetriedWithItsIdempotencyKeyGetsTheFirstDecisionAndPublishesOnce() {
        Scenario scenario = runningV2();
        String key = "cli-" + UUID.randomUUID();

        Response first = post(key, body(scenario, "broken"));
        Response retry = post(key, body(scenario, "broken"));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).as("the same answer as the first time").isEqualTo(201);
        assertThat(retry.jsonPath().getString("id")).isEqualTo(first.jsonPath().getString("id"));
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(decisionsOf(scenario)).extracting(decision -> decision.decision).containsExactly(Decision.MANUAL);
        scenario.awaitRollbackRequest();
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequests()).hasSize(1);
    }

    @Test
    void anIdempotencyKeyUsedForAnotherRequestIsRefusedAndNamed() {
        Scenario scenario = runningV2();
        Scenario other = runningV2();
        String key = "cli-" + UUID.randomUUID();
        String id = post(key, body(scenario, "broken")).then().statusCode(201).extract().path("id");

        post(key, body(scenario, "another reason")).then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("title", equalTo("Idempotency-Key reused"))
                .body("field", equalTo("Idempotency-Key"))
                .body("detail", containsString("decision " + id));
        post(key, body(other, "broken")).then().statusCode(422).body("field", equalTo("Idempotency-Key"));

        assertThat(decisionsOf(scenario)).hasSize(1);
        assertThat(decisionsOf(other)).isEmpty();
    }

    // --- two at once -------------------------------------------------------------------------------------------

    @Test
    void twoRequestsForOneTargetAtOnceMakeOneDecisionAndTheOtherIsAConflict() {
        Scenario scenario = runningV2();
        ConcurrentLinkedQueue<Response> answers = new ConcurrentLinkedQueue<>();

        Concurrently.atOnce(BOUND, () -> answers.add(post(null, body(scenario, "from the terminal"))),
                () -> answers.add(post(null, body(scenario, "from CI"))));

        assertThat(answers).extracting(Response::statusCode).containsExactlyInAnyOrder(201, 409);
        Response conflict = answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow();
        assertThat(conflict.contentType()).startsWith("application/problem+json");
        assertThat(conflict.jsonPath().getString("detail")).contains("is under way");
        assertThat(decisionsOf(scenario)).extracting(decision -> decision.decision).containsExactly(Decision.MANUAL);
        scenario.awaitRollbackRequest();
        awaitOutboxDrained(scenario);
        assertThat(scenario.publishedRollbackRequests()).hasSize(1);
    }

    @Test
    void oneRequestSentTwiceAtOnceWithItsKeyMakesOneDecisionAndBothGetIt() {
        Scenario scenario = runningV2();
        String key = "cli-" + UUID.randomUUID();
        ConcurrentLinkedQueue<Response> answers = new ConcurrentLinkedQueue<>();

        Concurrently.atOnce(BOUND, () -> answers.add(post(key, body(scenario, "broken"))),
                () -> answers.add(post(key, body(scenario, "broken"))));

        assertThat(answers).extracting(Response::statusCode).containsExactly(201, 201);
        assertThat(answers).extracting(answer -> answer.jsonPath().getString("id")).as("the same decision")
                .containsOnly(answers.peek().jsonPath().getString("id"));
        assertThat(decisionsOf(scenario)).hasSize(1);
    }

    // --- database down -----------------------------------------------------------------------------------------

    @Test
    void withTheDatabaseDownARequestIsAServiceUnavailableProblemAndDecidesNothing() {
        Scenario scenario = runningV2();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            post("cli-" + UUID.randomUUID(), body(scenario, "during the outage")).then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("status", equalTo(503))
                    .body("title", equalTo("Database unavailable"));
        }

        // once it is back, a request goes through (pooled connections the outage closed may fail it once more)
        await().atMost(BOUND).untilAsserted(() -> post(null, body(scenario, "after the outage")).then().statusCode(201));
        List<RollbackDecision> decided = await().atMost(BOUND).ignoreExceptions()
                .until(() -> decisionsOf(scenario), found -> !found.isEmpty());
        assertThat(decided).as("nothing was decided during the outage").extracting(decision -> decision.reason)
                .containsExactly("manual (requested by " + TestTokens.ADMIN_SUBJECT + "): after the outage");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A target whose 2.0.0 runs, with 1.0.0 as its stable version. */
    private Scenario runningV2() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        // ignoring exceptions: a pooled connection an outage test closed fails once
        await().atMost(BOUND).ignoreExceptions().until(() -> QuarkusTransaction.requiringNew().call(() ->
                trackedDeployments.findByIdOptional(v2).map(tracked -> tracked.status))
                .equals(Optional.of(DeploymentStatus.RUNNING)));
        return scenario;
    }

    private static Map<String, Object> body(Scenario scenario, String reason) {
        return Map.of("service", scenario.service, "environment", scenario.environment, "reason", reason);
    }

    private static Response post(String idempotencyKey, Map<String, Object> body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/api/v1/rollbacks");
    }

    private List<RollbackDecision> decisionsOf(Scenario scenario) {
        return QuarkusTransaction.requiringNew().call(() -> decisions.list("service = ?1 and environment = ?2",
                scenario.service, scenario.environment));
    }

    /** Once nothing of the scenario waits in the outbox, what it published is all there will be. */
    private static void awaitOutboxDrained(Scenario scenario) {
        await().atMost(BOUND).until(() -> {
            List<Map<String, Object>> unsent = given().queryParam("limit", "1000").get("/api/v1/outbox").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            return unsent.stream().noneMatch(row -> scenario.key().equals(row.get("key")));
        });
    }
}
