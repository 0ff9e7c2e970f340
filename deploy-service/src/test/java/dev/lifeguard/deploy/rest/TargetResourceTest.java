package dev.lifeguard.deploy.rest;

import dev.lifeguard.deploy.service.TargetService;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import java.util.Map;

import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class TargetResourceTest {

    @Test
    void aTargetWithoutAChoiceUsesTheDefaultExecutor() {
        String service = unique("default");
        given().get("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("executor", equalTo("record"))
                .body("configured", equalTo(false))
                .body("updatedAt", nullValue());
    }

    @Test
    void aTargetChoosesItsExecutorAndSecretsAreNeverShownBack() {
        String service = unique("chosen");
        given().contentType("application/json")
                .body(Map.of("executor", "scripted", "scripted", Map.of("token", "s3cr3t-value", "label", "blue")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("executor", equalTo("scripted"))
                .body("configured", equalTo(true))
                .body("settings.label", equalTo("blue"))
                .body("settings.token", equalTo("********"));
        given().get("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("settings.token", equalTo("********"))
                .body(not(containsString("s3cr3t-value")));
        given().get("/api/v1/targets").then().statusCode(200)
                .body("service", hasItem(service))
                .body(not(containsString("s3cr3t-value")));

        given().contentType("application/json").body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("executor", equalTo("manual"));
        given().delete("/api/v1/targets/{s}/production", service).then().statusCode(204);
        given().get("/api/v1/targets/{s}/production", service).then().body("executor", equalTo("record"));
        given().delete("/api/v1/targets/{s}/production", service).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void badChoicesAreRefusedNamingTheField() {
        String service = unique("bad");
        given().contentType("application/json").body(Map.of("executor", "teleport"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("executor"))
                .body("detail", containsString("manual"));
        given().contentType("application/json").body(Map.of("scripted", Map.of()))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(400)
                .body("field", equalTo("executor"));
        given().contentType("application/json").body(Map.of("executor", "scripted", "scripted", Map.of("colour", "red")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(400)
                .body("field", equalTo("scripted.colour"));
        given().contentType("application/json").body(Map.of("executor", "scripted", "webhook", Map.of("url", "x")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(400)
                .body("field", equalTo("webhook"));
        given().contentType("application/json").body(Map.of("executor", "scripted", "scripted", "not-an-object"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(400)
                .body("field", equalTo("scripted"));
        given().contentType("application/json").body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", "bad name!").then().statusCode(400)
                .body("field", equalTo("service"));
        given().get("/api/v1/targets/{s}/production", service).then().body("configured", equalTo(false));
    }

    @Inject
    DataSource dataSource;

    @Inject
    TargetService targets;

    @Test
    void secretSettingsAreStoredSealedAndTheExecutorGetsThemPlain() throws Exception {
        String service = unique("sealed");
        given().contentType("application/json")
                .body(Map.of("executor", "scripted", "scripted", Map.of("token", "s3cr3t-value", "label", "blue")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);

        String stored = storedSettings(service);
        assertThat(stored).doesNotContain("s3cr3t-value").contains("sealed:v1:").contains("\"label\":\"blue\"");
        assertThat(targets.choiceFor(service, "production").settings().path("token").asText()).isEqualTo("s3cr3t-value");
    }

    @Test
    void aUrlSettingIsShownWithoutItsUserInfoAndQuery() {
        String service = unique("url");
        given().contentType("application/json").body(Map.of("executor", "scripted", "scripted",
                        Map.of("label", "https://deployer:pa55@cd.example.com:8443/hooks/rollback?token=t0k3n")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("settings.label", equalTo("https://********@cd.example.com:8443/hooks/rollback?********"));
        given().get("/api/v1/targets").then().body(not(containsString("t0k3n"))).body(not(containsString("pa55")));
        assertThat(targets.choiceFor(service, "production").settings().path("label").asText()).contains("t0k3n");
    }

    @Test
    void aSecretStoredPlainBeforeSealingStillWorksAndIsSealedOnTheNextWrite() throws Exception {
        String service = unique("legacy");
        given().contentType("application/json")
                .body(Map.of("executor", "scripted", "scripted", Map.of("token", "first")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE target SET settings = ? WHERE service = ? AND environment = 'production'")) {
            update.setString(1, "{\"token\":\"legacy-plain\"}");
            update.setString(2, service);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        assertThat(targets.choiceFor(service, "production").settings().path("token").asText()).isEqualTo("legacy-plain");
        given().get("/api/v1/targets/{s}/production", service).then().body("settings.token", equalTo("********"));

        given().contentType("application/json")
                .body(Map.of("executor", "scripted", "scripted", Map.of("token", "legacy-plain")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        assertThat(storedSettings(service)).doesNotContain("legacy-plain").contains("sealed:v1:");
    }

    @Test
    void aTeamsTargetIsSeenAndManagedByItsTeamOnly() {
        String service = unique("owned");
        String paymentsOperator = TestTokens.forRole("operator", "payments");
        String otherOperator = TestTokens.forRole("operator", "search");
        given().contentType("application/json").body(Map.of("executor", "manual", "team", "payments"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200).body("team", equalTo("payments"));

        TestTokens.as(TestTokens.forRole("viewer", "payments")).get("/api/v1/targets/{s}/production", service).then()
                .statusCode(200).body("team", equalTo("payments"));
        TestTokens.as(TestTokens.forRole("viewer", "payments")).get("/api/v1/targets").then()
                .body("service", hasItem(service));
        TestTokens.as(TestTokens.forRole("viewer", "search")).get("/api/v1/targets/{s}/production", service).then()
                .statusCode(404).contentType("application/problem+json");
        TestTokens.as(TestTokens.forRole("viewer", "search")).get("/api/v1/targets").then()
                .body("service", not(hasItem(service)));
        TestTokens.as(otherOperator).contentType("application/json").body(Map.of("executor", "record"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(404);
        TestTokens.as(otherOperator).delete("/api/v1/targets/{s}/production", service).then().statusCode(404);

        // its operator changes it; a PUT replaces the whole target, so leaving "team" out would hand it to the
        // platform, which an operator may not do; giving it to another team needs that team
        TestTokens.as(paymentsOperator).contentType("application/json").body(Map.of("executor", "record"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("team"));
        TestTokens.as(paymentsOperator).contentType("application/json")
                .body(Map.of("executor", "record", "team", "payments"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200)
                .body("executor", equalTo("record")).body("team", equalTo("payments"));
        TestTokens.as(paymentsOperator).contentType("application/json")
                .body(Map.of("executor", "record", "team", "search"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("team"));
        TestTokens.as(TestTokens.forRole("viewer", "payments")).delete("/api/v1/targets/{s}/production", service)
                .then().statusCode(403);
        TestTokens.as(paymentsOperator).delete("/api/v1/targets/{s}/production", service).then().statusCode(204);
    }

    @Test
    void creatingATargetNeedsATeamOfYoursAndPlatformTargetsAreForAdmins() {
        String operator = TestTokens.forRole("operator", "payments");
        TestTokens.as(operator).contentType("application/json").body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", unique("teamless")).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("team"));
        TestTokens.as(operator).contentType("application/json").body(Map.of("executor", "manual", "team", "search"))
                .put("/api/v1/targets/{s}/production", unique("foreign")).then().statusCode(403)
                .body("field", equalTo("team"));
        TestTokens.as(operator).contentType("application/json").body(Map.of("executor", "manual", "team", "payments"))
                .put("/api/v1/targets/{s}/production", unique("mine")).then().statusCode(200)
                .body("team", equalTo("payments"));

        String platform = unique("platform");
        given().contentType("application/json").body(Map.of("executor", "manual"))
                .put("/api/v1/targets/{s}/production", platform).then().statusCode(200).body("team", nullValue());
        TestTokens.as(TestTokens.forRole("viewer", "search")).get("/api/v1/targets/{s}/production", platform).then()
                .statusCode(200);
        TestTokens.as(operator).contentType("application/json").body(Map.of("executor", "record"))
                .put("/api/v1/targets/{s}/production", platform).then().statusCode(403);
        TestTokens.as(operator).delete("/api/v1/targets/{s}/production", platform).then().statusCode(403);
    }

    private String storedSettings(String service) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT settings FROM target WHERE service = ? AND environment = 'production'")) {
            query.setString(1, service);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }
}
