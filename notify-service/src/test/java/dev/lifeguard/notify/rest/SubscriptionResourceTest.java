package dev.lifeguard.notify.rest;

import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class SubscriptionResourceTest {

    private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/SECRETTOKEN";

    @Test
    void subscriptionIsCreatedListedMaskedAndDeleted() {
        String team = unique("team");
        String id = given().contentType(ContentType.JSON)
                .body(request(team, List.of("checkout", "cart", "checkout"), "slack", SLACK_URL))
                .post("/api/v1/subscriptions").then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/subscriptions/"))
                .body("id", notNullValue())
                .body("team", equalTo(team))
                .body("services", equalTo(List.of("checkout", "cart")))
                .body("channel.type", equalTo("slack"))
                .body("channel.url", equalTo("https://hooks.slack.com/***"))
                .extract().path("id");

        given().queryParam("team", team).get("/api/v1/subscriptions").then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].id", equalTo(id))
                .body("[0].channel.url", equalTo("https://hooks.slack.com/***"))
                .body(not(containsString("SECRETTOKEN")));

        given().delete("/api/v1/subscriptions/{id}", id).then().statusCode(204);
        given().queryParam("team", team).get("/api/v1/subscriptions").then().body("$", hasSize(0));
        given().delete("/api/v1/subscriptions/{id}", id).then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void wildcardSubscribesToAllServices() {
        String team = unique("team");
        String id = subscribe(team, List.of("*"), "webhook", "https://hooks.example.org/lifeguard");
        try {
            given().queryParam("team", team).get("/api/v1/subscriptions").then()
                    .body("[0].services", equalTo(List.of("*")))
                    .body("[0].channel.url", equalTo("https://hooks.example.org/***"));
        } finally {
            // a wildcard would also catch the other tests' events
            given().delete("/api/v1/subscriptions/{id}", id).then().statusCode(204);
        }
    }

    @Test
    void missingTeamIsAProblemThatNamesIt() {
        expectProblem(Map.of("services", List.of("checkout"), "channel", Map.of("type", "slack", "url", SLACK_URL)),
                "team");
    }

    @Test
    void emptyServicesIsAProblemThatNamesIt() {
        expectProblem(request("payments", List.of(), "slack", SLACK_URL), "services");
    }

    @Test
    void invalidServiceNameIsAProblemThatNamesItsPosition() {
        expectProblem(request("payments", List.of("checkout", "../etc"), "slack", SLACK_URL), "services[1]");
    }

    @Test
    void missingChannelIsAProblemThatNamesIt() {
        expectProblem(Map.of("team", "payments", "services", List.of("checkout")), "channel");
    }

    @Test
    void unknownChannelTypeIsAProblemThatNamesIt() {
        given().contentType(ContentType.JSON).body(request("payments", List.of("checkout"), "carrier-pigeon", SLACK_URL))
                .post("/api/v1/subscriptions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("channel.type"))
                .body("detail", containsString("[slack, teams, webhook]"));
    }

    @Test
    void nonHttpUrlIsAProblemThatNamesIt() {
        expectProblem(request("payments", List.of("checkout"), "webhook", "ftp://files.example.org/drop"), "channel.url");
    }

    @Test
    void urlWithCredentialsIsAProblemThatNamesIt() {
        expectProblem(request("payments", List.of("checkout"), "webhook", "https://bob:pw@hooks.example.org/x"),
                "channel.url");
    }

    @Test
    void wrongJsonTypeIsAProblemThatNamesTheField() {
        given().contentType(ContentType.JSON)
                .body("{\"team\":\"payments\",\"services\":\"checkout\",\"channel\":{\"type\":\"slack\",\"url\":\"x\"}}")
                .post("/api/v1/subscriptions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("services"));
    }

    @Test
    void unknownDeliveryStatusIsAProblemThatNamesIt() {
        given().queryParam("status", "LOST").get("/api/v1/deliveries").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("status"));
    }

    private static Map<String, Object> request(String team, List<String> services, String type, String url) {
        return Map.of("team", team, "services", services, "channel", Map.of("type", type, "url", url));
    }

    private static void expectProblem(Map<String, Object> body, String field) {
        given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/subscriptions").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field))
                .body("detail", notNullValue());
    }
}
