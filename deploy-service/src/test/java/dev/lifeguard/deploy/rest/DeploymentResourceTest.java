package dev.lifeguard.deploy.rest;

import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeploymentResourceTest {

    @Test
    void reportedVersionsBecomeCurrentAndPreviousHealthyOneIsTheStableVersion() {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        deploy(service, "1.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .statusCode(200)
                .body("currentVersion", equalTo("1.0.0"))
                .body("stableVersion", nullValue())
                .body("lastChange", equalTo("DEPLOYED"));

        deploy(service, "2.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .statusCode(200)
                .body("currentVersion", equalTo("2.0.0"))
                .body("stableVersion", equalTo("1.0.0"))
                .body("stableVerified", equalTo(false))
                .body("status", equalTo("ANALYSING"))
                .body("history", hasSize(2))
                .body("history[1].status", equalTo("SUPERSEDED"));
    }

    @Test
    void reReportingTheRunningVersionIsANoOp() {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        String first = deploy(service, "1.0.0");
        String second = deploy(service, "1.0.0");
        org.assertj.core.api.Assertions.assertThat(second).isEqualTo(first);
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history", hasSize(1));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstDeploymentEvenAfterANewerOne() {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        String first = deployWithKey(service, "1.0.0", key).then().statusCode(201).extract().path("id");
        deploy(service, "2.0.0");

        // the client's retry of the first report, arriving late (its first attempt had timed out on the client)
        deployWithKey(service, "1.0.0", key).then().statusCode(201)
                .body("id", equalTo(first))
                .body("status", equalTo("SUPERSEDED"));
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("2.0.0"))
                .body("history", hasSize(2));
    }

    @Test
    void twoAttemptsWithOneIdempotencyKeyAtOnceMakeOneDeployment() {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        List<String> ids = new CopyOnWriteArrayList<>();
        Concurrently.atOnce(Duration.ofSeconds(60),
                () -> ids.add(deployWithKey(service, "1.0.0", key).then().statusCode(201).extract().path("id")),
                () -> ids.add(deployWithKey(service, "1.0.0", key).then().statusCode(201).extract().path("id")));

        org.assertj.core.api.Assertions.assertThat(ids).hasSize(2).containsOnly(ids.get(0));
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history", hasSize(1));
    }

    @Test
    void anIdempotencyKeyReusedForAnotherDeploymentIsAProblemNamingTheHeader() {
        String service = "cart-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        deployWithKey(service, "1.0.0", key).then().statusCode(201);
        deployWithKey(service, "9.9.9", key).then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("field", equalTo("Idempotency-Key"));
        deployWithKey(service, "1.0.0", "has spaces in it").then()
                .statusCode(400)
                .body("field", equalTo("Idempotency-Key"));
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("1.0.0"))
                .body("history", hasSize(1));
    }

    @Test
    void missingFieldIsAProblemThatNamesIt() {
        given().contentType(ContentType.JSON).body(Map.of("service", "cart", "environment", "production"))
                .post("/api/v1/deployments").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo("version"))
                .body("detail", notNullValue());
    }

    @Test
    void invalidNameIsAProblemThatNamesIt() {
        given().contentType(ContentType.JSON)
                .body(Map.of("service", "cart/../x", "environment", "production", "version", "1"))
                .post("/api/v1/deployments").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("service"));
    }

    @Test
    void wrongJsonTypeIsAProblemThatNamesTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"service\":\"cart\",\"environment\":\"production\",\"version\":{\"major\":1}}")
                .post("/api/v1/deployments").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("version"));
    }

    @Test
    void unparseableJsonIsAProblem() {
        given().contentType(ContentType.JSON)
                .body("{\"service\":\"cart\",")
                .post("/api/v1/deployments").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"));
    }

    @Test
    void unknownEnvironmentIsNotFoundProblem() {
        given().get("/api/v1/services/nothing-here/environments/production").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Not found"));
    }

    private static String deploy(String service, String version) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("service", service, "environment", "production", "version", version, "team", "payments"))
                .post("/api/v1/deployments").then()
                .statusCode(201)
                .body("version", equalTo(version))
                .body("status", equalTo("ANALYSING"))
                .body("current", equalTo(true))
                .extract().path("id");
    }

    private static io.restassured.response.Response deployWithKey(String service, String version, String key) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(Map.of("service", service, "environment", "production", "version", version))
                .post("/api/v1/deployments");
    }
}
