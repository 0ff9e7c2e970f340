package dev.lifeguard.postmortem.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * Metrics and OpenAPI are open by default; an operator who wants them closed says so with Quarkus's path permissions
 * (README "Security"), and health stays open for the orchestrator's probes.
 */
@QuarkusTest
@TestProfile(ClosedOperationsEndpointsTest.ClosedMetricsAndOpenApi.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ClosedOperationsEndpointsTest {

    public static class ClosedMetricsAndOpenApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.auth.permission.ops.paths", "/q/metrics,/q/openapi",
                    "quarkus.http.auth.permission.ops.policy", "authenticated");
        }
    }

    @Test
    void closedPathsNeedATokenAndHealthStaysOpen() {
        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        TestTokens.as(TestTokens.expired("viewer")).get("/q/metrics").then().statusCode(401);
        TestTokens.as(TestTokens.forRole("viewer")).get("/q/metrics").then().statusCode(200);
        TestTokens.as(TestTokens.forRole("viewer")).get("/q/openapi").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
