package dev.lifeguard.rollback.rest;

import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static dev.lifeguard.rollback.rest.PolicyResourceTest.newEnvironment;
import static dev.lifeguard.rollback.rest.PolicyResourceTest.put;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Policies when things go wrong: PUTs of one scope at once (two instances share the database, so the scope is
 * locked in it) and the database away.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PolicyFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int WRITERS = 6;

    @Test
    void putsOfOneScopeAtOnceEachCountAVersionAndOneCreatesIt() {
        String path = "/api/v1/policies/services/checkout/environments/" + newEnvironment();
        ConcurrentLinkedQueue<Response> answers = new ConcurrentLinkedQueue<>();

        Concurrently.atOnce(BOUND, IntStream.range(0, WRITERS)
                .<Runnable>mapToObj(writer -> () -> answers.add(put(path, "{\"maxDepth\": " + (writer % 5 + 1)
                        + ", \"by\": \"writer-" + writer + "\"}")))
                .toArray(Runnable[]::new));

        assertThat(answers).extracting(Response::statusCode).as("one created it, the others replaced it")
                .containsOnly(201, 200).filteredOn(status -> status == 201).hasSize(1);
        assertThat(answers).extracting(answer -> answer.jsonPath().getInt("version")).as("no update lost")
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, WRITERS).boxed().toList());
        Response last = answers.stream().filter(answer -> answer.jsonPath().getInt("version") == WRITERS)
                .findFirst().orElseThrow();
        given().get(path).then()
                .statusCode(200)
                .body("version", equalTo(WRITERS))
                .body("updatedBy", equalTo(last.jsonPath().getString("updatedBy")))
                .body("maxDepth", equalTo(last.jsonPath().getInt("maxDepth")));
    }

    @Test
    void withTheDatabaseDownAPutIsAServiceUnavailableProblemAndChangesNothing() {
        String environment = newEnvironment();
        String path = "/api/v1/policies/environments/" + environment;
        // a pooled connection an earlier outage closed may fail once
        await().atMost(BOUND).untilAsserted(() -> put(path, "{\"mode\": \"approval\"}").then().statusCode(201));

        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            put(path, "{\"mode\": \"off\"}").then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("status", equalTo(503))
                    .body("title", equalTo("Database unavailable"));
            given().queryParam("service", "checkout").queryParam("environment", environment)
                    .get("/api/v1/policies/effective").then()
                    .statusCode(503)
                    .contentType("application/problem+json");
        }

        await().atMost(BOUND).untilAsserted(() -> given().get(path).then()
                .statusCode(200)
                .body("mode", equalTo("approval"))
                .body("version", equalTo(1)));
        put(path, "{\"mode\": \"off\"}").then().statusCode(200).body("version", equalTo(2));
    }
}
