package dev.lifeguard.testsupport;

import io.restassured.path.json.JsonPath;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** What the service under test says on {@code /q/health/ready}, whatever its status code. */
public final class ServiceHealth {

    private ServiceHealth() {
    }

    public static JsonPath readiness() {
        return given().get("/q/health/ready").then().extract().jsonPath();
    }

    /** The status (UP/DOWN) of one named check. */
    public static String check(String name) {
        return readiness().getString("checks.find { it.name == '" + name + "' }.status");
    }

    /** The channels the consumers check reports as stuck, each with what it says (record, since, reason). */
    public static Map<String, String> stuckChannels() {
        Map<String, String> data = readiness().getMap("checks.find { it.name == 'Lifeguard consumers' }.data");
        return data == null ? Map.of() : data;
    }

    /** What readiness says of one stuck channel, or null while it is not stuck. */
    public static String stuckChannel(String channel) {
        return stuckChannels().get(channel);
    }
}
