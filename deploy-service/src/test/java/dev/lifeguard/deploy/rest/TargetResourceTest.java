package dev.lifeguard.deploy.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
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
}
