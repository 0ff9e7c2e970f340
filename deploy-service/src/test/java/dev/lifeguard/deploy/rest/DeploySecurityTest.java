package dev.lifeguard.deploy.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityMatrix;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.requestRollbackOfSecondVersion;
import static dev.lifeguard.deploy.DeployFixtures.ciDeployment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.service.RolloutFixtures.canary;
import static dev.lifeguard.deploy.service.RolloutFixtures.post;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollingOut;
import static dev.lifeguard.testsupport.AdminApi.given;
import static dev.lifeguard.testsupport.SecurityMatrix.endpoint;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every deploy-service endpoint against the six token cases (no token, expired, badly signed, a role short, another
 * team's, the right one), plus the body rules every endpoint shares. Team scope applies to targets only: deployments
 * and rollbacks are operational records every viewer reads, and acting on them (promote, abort, complete) is for any
 * operator, since on-call crosses teams.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeploySecurityTest {

    private static final String TEAM = "payments";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void targetsNeedTheirRoleAndAnotherTeamsTargetDoesNotExistForYou() {
        String owned = unique("sec-target");
        String doomed = unique("sec-doomed");
        for (String service : List.of(owned, doomed)) {
            given().contentType(ContentType.JSON).body(Map.of("executor", "manual", "team", TEAM))
                    .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        }
        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("GET", "/api/v1/targets").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/targets/" + owned + "/production").needs("viewer").ownedBy(TEAM).answers(200),
                endpoint("PUT", "/api/v1/targets/" + owned + "/production")
                        .body("{\"executor\": \"record\", \"team\": \"" + TEAM + "\"}")
                        .needs("operator").ownedBy(TEAM).answers(200),
                endpoint("DELETE", "/api/v1/targets/" + doomed + "/production").needs("operator").ownedBy(TEAM)
                        .answers(204));
    }

    @Test
    void deploymentsAndTheirActionsNeedTheirRoles() {
        String service = unique("sec-rollout");
        String rolling = rollingOut(service, canary(), "ANALYSING", 1);
        String aborted = rollingOut(unique("sec-abort"), canary(), "ANALYSING", 1);
        String report = "{\"service\": \"" + unique("sec-report") + "\", \"environment\": \"production\","
                + " \"version\": \"1.0.0\"}";
        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("POST", "/api/v1/deployments").body(report).needs("ci").answers(201),
                endpoint("GET", "/api/v1/deployments/" + rolling).needs("viewer").answers(200),
                endpoint("GET", "/api/v1/services/" + service + "/environments/production").needs("viewer").answers(200),
                endpoint("POST", "/api/v1/deployments/" + rolling + "/pause").body("{\"reason\": \"look\"}")
                        .needs("operator").answers(200),
                endpoint("POST", "/api/v1/deployments/" + rolling + "/resume").body("{}").needs("operator").answers(200),
                endpoint("POST", "/api/v1/deployments/" + rolling + "/promote").body("{\"full\": true}")
                        .needs("operator").answers(200),
                endpoint("POST", "/api/v1/deployments/" + aborted + "/abort").body("{\"reason\": \"stop\"}")
                        .needs("operator").answers(200));
    }

    @Test
    void rollbacksTheirCompletionAndTheGateOverrideNeedTheirRoles() {
        String service = unique("sec-rollback");
        given().contentType(ContentType.JSON).body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        String rollbackId = requestRollbackOfSecondVersion(service, "ACCEPTED", BOUND);

        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("GET", "/api/v1/rollbacks").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/rollbacks/" + rollbackId).needs("viewer").answers(200),
                // a webhook receiver (ci) or a person (operator) confirms: a viewer is the role short of both
                endpoint("POST", "/api/v1/rollbacks/" + rollbackId + "/complete").body("{\"note\": \"done by hand\"}")
                        .needs("ci").wrongRole("viewer").answers(200));
        given().get("/api/v1/rollbacks/{id}", rollbackId).then().body("outcome", equalTo("EXECUTED"))
                .body("outcomeDetail", equalTo("completed by test-ci: done by hand"));

        String fix = post(service, "2.0.1", Map.of()).statusCode(202).body("status", equalTo("GATED"))
                .extract().path("id");
        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("POST", "/api/v1/deployments/" + fix + "/override").body("{\"reason\": \"hotfix\"}")
                        .needs("operator").answers(200));
    }

    @Test
    void theCiWebhookTakesACiTokenInsteadOfASignature() {
        String service = unique("sec-webhook");
        String event = ciDeployment("sec-" + UUID.randomUUID(), service, "1.0.0");
        // without a token the webhook wants a signature: 401 either way
        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("POST", "/api/v1/ci/events").body(event).needs("ci").answers(202));
    }

    @Test
    void theOutboxNeedsViewerToReadAndOperatorToRetry() {
        deploy(unique("sec-outbox"), "1.0.0");
        long sent = await().atMost(BOUND).until(() -> given().queryParam("status", "SENT").get("/api/v1/outbox")
                .then().statusCode(200).extract().jsonPath().getList("id", Long.class), ids -> !ids.isEmpty()).get(0);
        dev.lifeguard.testsupport.SecurityMatrix.check(
                endpoint("GET", "/api/v1/outbox").needs("viewer").answers(200),
                // authorised, then refused for its state: a sent row is not sent again
                endpoint("POST", "/api/v1/outbox/" + sent + "/retry").needs("operator").answers(409));
    }

    @Test
    void unknownFieldsAreRefusedNamingThem() {
        given().contentType(ContentType.JSON).body(Map.of("service", unique("sec-unknown"), "environment",
                        "production", "version", "1.0.0", "admin", true))
                .post("/api/v1/deployments").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("admin"));
        given().contentType(ContentType.JSON).body(Map.of("service", unique("sec-unknown"), "environment",
                        "production", "version", "1.0.0", "tests", Map.of("passed", 1, "failed", 0, "skipped", 3)))
                .post("/api/v1/deployments").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("tests.skipped"));
        String rolling = rollingOut(unique("sec-unknown"), canary(), "ANALYSING", 1);
        given().contentType(ContentType.JSON).body(Map.of("reason", "x", "force", true))
                .post("/api/v1/deployments/{id}/pause", rolling).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("force"));
        given().contentType(ContentType.JSON).body(Map.of("note", "x", "outcome", "EXECUTED"))
                .post("/api/v1/rollbacks/{id}/complete", "any").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("outcome"));
        given().contentType(ContentType.JSON).body(Map.of("executor", "manual", "owner", "x"))
                .put("/api/v1/targets/{s}/production", unique("sec-unknown")).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("owner"));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        SecurityMatrix.assertBodyLimit("POST /api/v1/deployments", "POST /api/v1/ci/events");
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        SecurityMatrix.assertOperationsEndpointsOpen();
    }
}
