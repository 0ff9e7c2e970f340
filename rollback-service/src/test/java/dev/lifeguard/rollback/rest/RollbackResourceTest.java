package dev.lifeguard.rollback.rest;

import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackResourceTest {

    @Test
    void decisionsAreListedNewestFirstAndFilteredByServiceAndEnvironment() {
        Scenario scenario = new Scenario();
        String v1 = scenario.deploy("1.0.0", null);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v1, "1.0.0"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("service", scenario.service).get("/api/v1/rollbacks").then().body("", hasSize(1)));
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().queryParam("service", scenario.service).queryParam("environment", "production")
                        .get("/api/v1/rollbacks").then()
                        .statusCode(200)
                        .body("", hasSize(2))
                        .body("[0].deploymentId", equalTo(v2))
                        .body("[0].decision", equalTo("ROLL_BACK"))
                        .body("[1].deploymentId", equalTo(v1))
                        .body("[1].decision", equalTo("SKIPPED"))
                        .body("decidedAt", everyItem(notNullValue())));
        given().queryParam("service", scenario.service).queryParam("environment", "staging")
                .get("/api/v1/rollbacks").then()
                .statusCode(200)
                .body("", hasSize(0));
        given().get("/api/v1/rollbacks").then()
                .statusCode(200)
                .body("deploymentId", hasItems(v1, v2));
        given().queryParam("service", scenario.service).queryParam("limit", "1")
                .get("/api/v1/rollbacks").then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].deploymentId", equalTo(v2));
    }

    @Test
    void invalidFiltersAreProblemsThatNameTheField() {
        given().queryParam("service", "checkout/../admin").get("/api/v1/rollbacks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo("service"));
        given().queryParam("environment", "prod uction").get("/api/v1/rollbacks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("environment"));
        given().queryParam("limit", "many").get("/api/v1/rollbacks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("limit"));
    }

    @Test
    void unknownDecisionIsANotFoundProblem() {
        given().get("/api/v1/rollbacks/{id}", "no-such-decision").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Not found"))
                .body("detail", equalTo("no rollback decision with id 'no-such-decision'"));
    }
}
