package dev.lifeguard.rollback.rest;

import dev.lifeguard.rollback.People;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.PolicyMode;
import dev.lifeguard.rollback.service.DecisionPolicies;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Decision policies over HTTP: stored per scope with a version per PUT, and merged into the effective policy a
 * decision applies. Each test uses environments of its own, so the other tests' decisions keep the defaults.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class PolicyResourceTest {

    private static final String HOLIDAYS = """
            {"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00+00:00", "reason": "holidays"}""";
    private static final String WEEKEND = """
            {"cron": "0 18 * * FRI", "duration": "62h", "zone": "Europe/Paris"}""";

    @Inject
    DecisionPolicies policies;

    @Test
    void anEnvironmentPolicyIsCreatedReplacedReadListedAndDeleted() {
        String environment = newEnvironment();
        String path = "/api/v1/policies/environments/" + environment;
        given().get(path).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString(environment));

        put(path, """
                {"mode": "approval", "cooldown": "30m", "by": "alice"}""").then()
                .statusCode(201)
                .header("Location", endsWith(path))
                .body("scope", equalTo("environment"))
                .body("environment", equalTo(environment))
                .body("$", hasKey("service"))
                .body("service", nullValue())
                .body("mode", equalTo("approval"))
                .body("cooldown", equalTo("PT30M"))
                .body("$", not(hasKey("dryRun")))
                .body("version", equalTo(1))
                .body("updatedBy", equalTo("alice"))
                .body("updatedAt", notNullValue());
        given().get(path).then()
                .statusCode(200)
                .body("mode", equalTo("approval"))
                .body("version", equalTo(1));

        // a PUT replaces the whole policy: what it leaves out is inherited again
        People.as("bob").contentType(ContentType.JSON).header("X-Lifeguard-User", "bob").body("""
                        {"mode": "off"}""").put(path).then()
                .statusCode(200)
                .body("mode", equalTo("off"))
                .body("$", not(hasKey("cooldown")))
                .body("version", equalTo(2))
                .body("updatedBy", equalTo("bob"));
        given().queryParam("environment", environment).get("/api/v1/policies").then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].version", equalTo(2))
                .body("[0].mode", equalTo("off"));

        given().delete(path).then().statusCode(204);
        given().get(path).then().statusCode(404).contentType("application/problem+json");
        given().delete(path).then().statusCode(404).contentType("application/problem+json");
        given().queryParam("environment", environment).get("/api/v1/policies").then().body("", hasSize(0));

        // versions go on after a delete, so "v2" in an earlier decision's explanation still names one body
        put(path, """
                {"mode": "auto"}""").then()
                .statusCode(201)
                .body("version", equalTo(3))
                .body("updatedBy", equalTo(TestTokens.ADMIN_SUBJECT));
    }

    @Test
    void aServicePolicyHasItsOwnScopeAndVersions() {
        String environment = newEnvironment();
        String path = "/api/v1/policies/services/checkout/environments/" + environment;
        given().get(path).then().statusCode(404).contentType("application/problem+json");

        put(path, "{\"mode\": \"notify-only\"}").then()
                .statusCode(201)
                .header("Location", endsWith(path))
                .body("scope", equalTo("service"))
                .body("service", equalTo("checkout"))
                .body("environment", equalTo(environment))
                .body("version", equalTo(1));
        put(path, "{\"mode\": \"approval\"}").then().statusCode(200).body("version", equalTo(2));
        put(path, "{\"mode\": \"approval\"}").then().statusCode(200).body("version", equalTo(3));
        // the service's policy is no environment policy
        given().get("/api/v1/policies/environments/" + environment).then().statusCode(404);
        given().get("/api/v1/policies/services/payments/environments/" + environment).then().statusCode(404);

        given().delete(path).then().statusCode(204);
        given().get(path).then().statusCode(404);
    }

    @Test
    void theListShowsEachEnvironmentsPolicyBeforeItsServices() {
        String environment = newEnvironment();
        put("/api/v1/policies/services/payments/environments/" + environment, "{\"dryRun\": true}").then().statusCode(201);
        put("/api/v1/policies/environments/" + environment, "{\"mode\": \"approval\"}").then().statusCode(201);
        put("/api/v1/policies/services/checkout/environments/" + environment, "{\"maxDepth\": 2}").then().statusCode(201);

        given().queryParam("environment", environment).get("/api/v1/policies").then()
                .statusCode(200)
                .body("scope", equalTo(List.of("environment", "service", "service")))
                .body("service", equalTo(Arrays.asList(null, "checkout", "payments")));
        List<Map<String, Object>> all = given().get("/api/v1/policies").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(all).filteredOn(policy -> environment.equals(policy.get("environment"))).hasSize(3);
    }

    @Test
    void theEffectivePolicyIsTheServicesOverTheEnvironmentsOverTheDefaultsWithTheWindowsOfBoth() {
        String environment = newEnvironment();
        put("/api/v1/policies/environments/" + environment, """
                {"mode": "approval", "onInconclusive": "hold", "cooldown": "PT30M", "maxRollbacksPerHour": 5,
                 "freezeWindows": [%s], "approvalTimeout": "5m", "escalationTeam": "sre-leads"}""".formatted(HOLIDAYS))
                .then().statusCode(201);
        put("/api/v1/policies/services/checkout/environments/" + environment, """
                {"mode": "auto", "dryRun": true, "freezeWindows": [%s], "onApprovalTimeout": "rollback",
                 "maxDepth": 2}""".formatted(WEEKEND)).then().statusCode(201);
        put("/api/v1/policies/services/checkout/environments/" + environment, """
                {"mode": "auto", "dryRun": true, "freezeWindows": [%s], "onApprovalTimeout": "rollback",
                 "maxDepth": 2}""".formatted(WEEKEND)).then().statusCode(200);

        effective("checkout", environment).then()
                .statusCode(200)
                .body("sources", equalTo(List.of(
                        source("environment", environment, null, 1), source("service", environment, "checkout", 2))))
                .body("mode", equalTo("auto"))
                .body("onInconclusive", equalTo("hold"))
                .body("cooldown", equalTo("PT30M"))
                .body("maxRollbacksPerHour", equalTo(5))
                .body("freezeWindows", equalTo(List.of(
                        Map.of("from", "2026-12-24T00:00:00Z", "to", "2026-12-27T00:00:00Z", "reason", "holidays"),
                        Map.of("cron", "0 18 * * FRI", "duration", "PT62H", "zone", "Europe/Paris"))))
                .body("dryRun", equalTo(true))
                .body("approvalTimeout", equalTo("PT5M"))
                .body("onApprovalTimeout", equalTo("rollback"))
                .body("escalationTeam", equalTo("sre-leads"))
                .body("maxDepth", equalTo(2));
        effective("payments", environment).then()
                .statusCode(200)
                .body("sources", equalTo(List.of(source("environment", environment, null, 1))))
                .body("mode", equalTo("approval"))
                .body("freezeWindows", hasSize(1))
                .body("dryRun", equalTo(false))
                .body("onApprovalTimeout", equalTo("hold"))
                .body("maxDepth", equalTo(1));

        // what the decision pipeline reads, in its transaction
        EffectivePolicy checkout = policies.effective("checkout", environment);
        assertThat(checkout.mode()).isEqualTo(PolicyMode.AUTO);
        assertThat(checkout.cooldown()).isEqualTo(Duration.ofMinutes(30));
        assertThat(checkout.describeSources())
                .isEqualTo("policy " + environment + " v1 + checkout/" + environment + " v2");
        assertThat(checkout.freezeWindows()).extracting(window -> window.activeAt(
                        Instant.parse("2026-12-25T18:00:00Z")).map(FreezeWindow.Occurrence::from).orElse(null))
                .as("christmas day, a friday: both windows are in force")
                .containsExactly(Instant.parse("2026-12-24T00:00:00Z"), Instant.parse("2026-12-25T17:00:00Z"));
    }

    @Test
    void withoutAnyPolicyTheEffectiveOneIsTheDefaults() {
        String environment = newEnvironment();
        effective("checkout", environment).then()
                .statusCode(200)
                .body("sources", hasSize(0))
                .body("mode", equalTo("auto"))
                .body("onInconclusive", equalTo("ignore"))
                .body("$", hasKey("cooldown"))
                .body("cooldown", nullValue())
                .body("maxRollbacksPerHour", nullValue())
                .body("freezeWindows", hasSize(0))
                .body("dryRun", equalTo(false))
                .body("approvalTimeout", equalTo("PT15M"))
                .body("onApprovalTimeout", equalTo("hold"))
                .body("escalationTeam", equalTo("sre-oncall"))
                .body("maxDepth", equalTo(1));
        assertThat(policies.effective("checkout", environment).sources()).isEmpty();

        // a deleted policy is no source any more
        put("/api/v1/policies/services/checkout/environments/" + environment, "{\"mode\": \"off\"}").then().statusCode(201);
        effective("checkout", environment).then().body("mode", equalTo("off")).body("sources", hasSize(1));
        given().delete("/api/v1/policies/services/checkout/environments/" + environment).then().statusCode(204);
        effective("checkout", environment).then().body("mode", equalTo("auto")).body("sources", hasSize(0));
    }

    @Test
    void theEffectivePolicyNeedsAServiceAndAnEnvironment() {
        given().queryParam("environment", "production").get("/api/v1/policies/effective").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("service"));
        given().queryParam("service", "checkout").queryParam("environment", "prod uction")
                .get("/api/v1/policies/effective").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("environment"));
    }

    static String newEnvironment() {
        return "env-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** As the body's {@code by} when it names one (whoever acts is the token's subject), else as test-admin. */
    static Response put(String path, String body) {
        java.util.regex.Matcher by = java.util.regex.Pattern.compile("\"by\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        RequestSpecification caller = by.find() ? People.as(by.group(1)) : given();
        return caller.contentType(ContentType.JSON).body(body).put(path);
    }

    static RequestSpecification json() {
        return given().contentType(ContentType.JSON);
    }

    private static Response effective(String service, String environment) {
        return given().queryParam("service", service).queryParam("environment", environment)
                .get("/api/v1/policies/effective");
    }

    private static Map<String, Object> source(String scope, String environment, String service, int version) {
        Map<String, Object> source = new HashMap<>();
        source.put("scope", scope);
        source.put("environment", environment);
        source.put("service", service);
        source.put("version", version);
        return source;
    }
}
