package dev.lifeguard.postmortem.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityMatrix;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lifeguard.testsupport.SecurityMatrix.endpoint;
import static org.hamcrest.Matchers.equalTo;

/**
 * Who may read what on postmortem-service: incidents and post-mortems for every viewer, the audit trail for admins
 * only (it names people, their teams and addresses), the outbox as everywhere. Each endpoint against the six token
 * cases; post-mortems are operational objects of no team, so no endpoint is team-scoped.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PostmortemSecurityTest {

    @Test
    void everyEndpointAnswersEachKindOfCallerAsExpected() {
        SecurityMatrix.check(
                endpoint("GET", "/api/v1/incidents").needs("viewer").answers(200),
                endpoint("GET", "/api/v1/incidents/no-such-incident").needs("viewer").answers(404),
                endpoint("GET", "/api/v1/incidents/no-such-incident/postmortem").needs("viewer").answers(404),
                endpoint("GET", "/api/v1/audit").needs("admin").answers(200),
                endpoint("GET", "/api/v1/audit?actor=someone&limit=5").needs("admin").answers(200),
                endpoint("GET", "/api/v1/outbox").needs("viewer").answers(200),
                endpoint("POST", "/api/v1/outbox/987654321/retry").needs("operator").answers(404));
    }

    @Test
    void theAuditTrailIsRefusedToEveryRoleButAdmin() {
        for (String role : List.of("viewer", "ci", "operator")) {
            TestTokens.as(TestTokens.forRole(role, "payments")).get("/api/v1/audit").then()
                    .statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void anUnknownQueryParameterOfTheAuditTrailIsRefusedByName() {
        TestTokens.as(TestTokens.admin()).queryParam("user", "alice").get("/api/v1/audit").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("user"));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        SecurityMatrix.assertBodyLimit("POST /api/v1/outbox/1/retry");
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        SecurityMatrix.assertOperationsEndpointsOpen();
    }
}
