package dev.lifeguard.rollback.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.lifeguard.rollback.rest.PolicyResourceTest.json;
import static dev.lifeguard.rollback.rest.PolicyResourceTest.newEnvironment;
import static dev.lifeguard.rollback.rest.PolicyResourceTest.put;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Every policy field checked: a wrong one is a 400 problem+json naming it, and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PolicyValidationTest {

    private static final String FRIDAY = "{\"cron\": \"0 18 * * FRI\", \"duration\": \"PT62H\"}";

    static Stream<Arguments> invalidEnvironmentPolicies() {
        return Stream.of(
                Arguments.of("{\"mood\": \"auto\"}", "mood", "unknown field"),
                Arguments.of("{\"mode\": \"sometimes\"}", "mode", "auto, approval, notify-only, off"),
                Arguments.of("{\"mode\": 1}", "mode", "auto, approval, notify-only, off"),
                Arguments.of("{\"onInconclusive\": \"maybe\"}", "onInconclusive", "rollback, hold, ignore"),
                Arguments.of("{\"cooldown\": \"soon\"}", "cooldown", "ISO-8601"),
                Arguments.of("{\"cooldown\": 30}", "cooldown", "string"),
                Arguments.of("{\"cooldown\": \"0s\"}", "cooldown", "positive"),
                Arguments.of("{\"cooldown\": \"-PT5M\"}", "cooldown", "positive"),
                Arguments.of("{\"cooldown\": \"40d\"}", "cooldown", "at most 31 days"),
                Arguments.of("{\"maxRollbacksPerHour\": 0}", "maxRollbacksPerHour", "from 1"),
                Arguments.of("{\"maxRollbacksPerHour\": \"5\"}", "maxRollbacksPerHour", "whole number"),
                Arguments.of("{\"maxRollbacksPerHour\": 2.5}", "maxRollbacksPerHour", "whole number"),
                Arguments.of("{\"freezeWindows\": \"weekends\"}", "freezeWindows", "array"),
                Arguments.of("{\"freezeWindows\": [\"weekends\"]}", "freezeWindows[0]", "from"),
                Arguments.of("{\"freezeWindows\": [{}]}", "freezeWindows[0]", "from and to"),
                Arguments.of("{\"freezeWindows\": [{\"from\": \"2026-12-24T00:00:00Z\"}]}", "freezeWindows[0].to",
                        "required"),
                Arguments.of("{\"freezeWindows\": [{\"from\": \"Christmas Eve\", \"to\": \"2026-12-27T00:00:00Z\"}]}",
                        "freezeWindows[0].from", "ISO-8601"),
                Arguments.of("{\"freezeWindows\": [{\"from\": \"2026-12-24T00:00:00\", \"to\": \"2026-12-27T00:00:00Z\"}]}",
                        "freezeWindows[0].from", "offset"),
                Arguments.of("{\"freezeWindows\": [" + FRIDAY + ", {\"from\": \"2026-12-27T00:00:00Z\","
                        + " \"to\": \"2026-12-24T00:00:00Z\"}]}", "freezeWindows[1].to", "after"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRIDAY\", \"duration\": \"PT62H\"}]}",
                        "freezeWindows[0].cron", "5-field unix cron"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 0 18 * * FRI\", \"duration\": \"PT62H\"}]}",
                        "freezeWindows[0].cron", "5-field unix cron"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 0 31 2 *\", \"duration\": \"PT1H\"}]}",
                        "freezeWindows[0].cron", "never fires"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRI\"}]}", "freezeWindows[0].duration",
                        "required"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRI\", \"duration\": \"all weekend\"}]}",
                        "freezeWindows[0].duration", "ISO-8601"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRI\", \"duration\": \"PT62H\","
                        + " \"zone\": \"Mars/Olympus_Mons\"}]}", "freezeWindows[0].zone", "time zone"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRI\", \"duration\": \"PT62H\","
                        + " \"from\": \"2026-12-24T00:00:00Z\"}]}", "freezeWindows[0].from", "one or the other"),
                Arguments.of("{\"freezeWindows\": [{\"from\": \"2026-12-24T00:00:00Z\", \"to\": \"2026-12-27T00:00:00Z\","
                        + " \"zone\": \"Europe/Paris\"}]}", "freezeWindows[0].zone", "one or the other"),
                Arguments.of("{\"freezeWindows\": [{\"from\": \"2026-12-24T00:00:00Z\", \"until\": \"2026-12-27T00:00:00Z\"}]}",
                        "freezeWindows[0].until", "unknown field"),
                Arguments.of("{\"freezeWindows\": [{\"cron\": \"0 18 * * FRI\", \"duration\": \"PT62H\", \"reason\": \""
                        + "x".repeat(501) + "\"}]}", "freezeWindows[0].reason", "at most 500"),
                Arguments.of("{\"dryRun\": \"yes\"}", "dryRun", "true or false"),
                Arguments.of("{\"approvalTimeout\": \"15 minutes\"}", "approvalTimeout", "ISO-8601"),
                Arguments.of("{\"onApprovalTimeout\": \"escalate\"}", "onApprovalTimeout", "rollback, hold"),
                Arguments.of("{\"escalationTeam\": \"SRE Leads\"}", "escalationTeam", "team name"),
                Arguments.of("{\"escalationTeam\": \"" + "a".repeat(64) + "\"}", "escalationTeam", "team name"),
                Arguments.of("{\"maxDepth\": 0}", "maxDepth", "from 1 to 5"),
                Arguments.of("{\"maxDepth\": 6}", "maxDepth", "from 1 to 5"),
                Arguments.of("{\"by\": 42}", "by", "string"),
                Arguments.of("{\"team\": \"Payments Team\"}", "team", "team name"),
                Arguments.of("[]", "body", "JSON object"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalidEnvironmentPolicies")
    void anInvalidFieldIsAProblemNamingItAndNothingIsStored(String body, String field, String detail) {
        String path = "/api/v1/policies/environments/" + newEnvironment();

        put(path, body).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field))
                .body("detail", containsString(detail));
        given().get(path).then().statusCode(404);
    }

    @Test
    void theStormGuardBelongsToTheEnvironmentNotToAService() {
        String environment = newEnvironment();
        String path = "/api/v1/policies/services/checkout/environments/" + environment;

        put(path, "{\"mode\": \"approval\", \"maxRollbacksPerHour\": 5}").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("maxRollbacksPerHour"))
                .body("detail", containsString("environment"));
        given().get(path).then().statusCode(404);
        put("/api/v1/policies/environments/" + environment, "{\"maxRollbacksPerHour\": 5}").then().statusCode(201);
    }

    @Test
    void invalidNamesInThePathAreProblemsNamingThem() {
        put("/api/v1/policies/environments/-production", "{}").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("environment"));
        put("/api/v1/policies/services/_checkout/environments/production", "{}").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("service"));
        given().get("/api/v1/policies/services/_checkout/environments/production").then()
                .statusCode(400)
                .body("field", equalTo("service"));
        given().queryParam("environment", "prod uction").get("/api/v1/policies").then()
                .statusCode(400)
                .body("field", equalTo("environment"));
    }

    @Test
    void malformedJsonAndAMissingBodyAreProblems() {
        String path = "/api/v1/policies/environments/" + newEnvironment();
        put(path, "{\"mode\": ").then()
                .statusCode(400)
                .contentType("application/problem+json");
        json().put(path).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("body"));
        given().get(path).then().statusCode(404);
    }

    @Test
    void aValidPolicyIsStoredInItsCanonicalFormAndAnUnknownFieldIsRefusedEvenWhenNull() {
        String path = "/api/v1/policies/environments/" + newEnvironment();
        put(path, """
                {"mode": "notify-only", "onInconclusive": "rollback", "cooldown": "2h", "maxRollbacksPerHour": 3,
                 "freezeWindows": [{"from": "2026-12-24T01:00:00+01:00", "to": "2026-12-27T00:00:00Z"},
                                   {"cron": "0 18 * * FRI", "duration": "PT62H", "reason": "weekend"}],
                 "dryRun": false, "approvalTimeout": "90s", "onApprovalTimeout": "rollback",
                 "escalationTeam": "sre-leads", "maxDepth": 5, "by": "carol", "cooldownNote": null}""").then()
                .statusCode(400)
                .body("field", equalTo("cooldownNote"));
        put(path, """
                {"mode": "notify-only", "onInconclusive": "rollback", "cooldown": "2h", "maxRollbacksPerHour": 3,
                 "freezeWindows": [{"from": "2026-12-24T01:00:00+01:00", "to": "2026-12-27T00:00:00Z"},
                                   {"cron": "0 18 * * FRI", "duration": "PT62H", "reason": "weekend"}],
                 "dryRun": false, "approvalTimeout": "90s", "onApprovalTimeout": "rollback",
                 "escalationTeam": "sre-leads", "maxDepth": 5, "by": "carol"}""").then()
                .statusCode(201)
                .body("mode", equalTo("notify-only"))
                .body("onInconclusive", equalTo("rollback"))
                .body("cooldown", equalTo("PT2H"))
                .body("maxRollbacksPerHour", equalTo(3))
                .body("freezeWindows[0].from", equalTo("2026-12-24T00:00:00Z"))
                .body("freezeWindows[0].to", equalTo("2026-12-27T00:00:00Z"))
                .body("freezeWindows[1].cron", equalTo("0 18 * * FRI"))
                .body("freezeWindows[1].duration", equalTo("PT62H"))
                .body("freezeWindows[1].zone", equalTo("UTC"))
                .body("freezeWindows[1].reason", equalTo("weekend"))
                .body("dryRun", equalTo(false))
                .body("approvalTimeout", equalTo("PT1M30S"))
                .body("onApprovalTimeout", equalTo("rollback"))
                .body("escalationTeam", equalTo("sre-leads"))
                .body("maxDepth", equalTo(5))
                .body("updatedBy", equalTo("carol"));
    }
}
