package dev.lifeguard.notify;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;

/** notify-service's REST API as tests drive it, and unique names that keep tests sharing one app apart. */
public final class NotifyApi {

    private NotifyApi() {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Subscribes and returns the subscription id. */
    public static String subscribe(String team, List<String> services, String channelType, String url) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("team", team, "services", services, "channel", Map.of("type", channelType, "url", url)))
                .post("/api/v1/subscriptions").then()
                .statusCode(201)
                .extract().path("id");
    }

    public static void unsubscribe(String id) {
        given().delete("/api/v1/subscriptions/{id}", id).then().statusCode(204);
    }

    /** The team's deliveries, newest first. */
    public static List<Map<String, Object>> deliveries(String team) {
        JsonPath json = given().queryParam("team", team).get("/api/v1/deliveries").then()
                .statusCode(200)
                .extract().jsonPath();
        return json.getList("$");
    }
}
