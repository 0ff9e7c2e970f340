package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.testsupport.EventContract;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the rollout tests send and look at: strategies, deployments with options, the rollout view and its events. */
public final class RolloutFixtures {

    public static final Duration BOUND = Duration.ofSeconds(60);

    private RolloutFixtures() {
    }

    /** canary 10 -> pause 5m -> 50 -> pause 5m -> 100. */
    public static Map<String, Object> canary() {
        return Map.of("type", "canary", "steps", List.of(Map.of("setWeight", 10), Map.of("pause", "5m"),
                Map.of("setWeight", 50), Map.of("pause", "5m"), Map.of("setWeight", 100)));
    }

    public static Map<String, Object> canary(Object... steps) {
        return Map.of("type", "canary", "steps", List.of(steps));
    }

    public static Map<String, Object> blueGreen(boolean autoPromote) {
        return Map.of("type", "blue-green", "autoPromote", autoPromote, "previewAnalysis", "1m");
    }

    /** POST /api/v1/deployments with extra fields (strategy, tests, fixes). */
    public static ValidatableResponse post(String service, String version, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("service", service);
        body.put("environment", "production");
        body.put("version", version);
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/deployments").then();
    }

    public static String rollOut(String service, String version, Map<String, Object> strategy) {
        return post(service, version, Map.of("strategy", strategy)).statusCode(201)
                .body("status", org.hamcrest.Matchers.equalTo("ROLLING_OUT"))
                .body("current", org.hamcrest.Matchers.equalTo(false))
                .extract().path("id");
    }

    /** 1.0.0 current on {@code service}, 2.0.0 rolling out with {@code strategy} and now {@code phase} at {@code step}. */
    public static String rollingOut(String service, Map<String, Object> strategy, String phase, int step) {
        dev.lifeguard.deploy.DeployFixtures.deploy(service, "1.0.0");
        String v2 = rollOut(service, "2.0.0", strategy);
        awaitRollout(v2, phase, step);
        return v2;
    }

    public static JsonPath view(String deploymentId) {
        return given().get("/api/v1/deployments/{id}", deploymentId).then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the rollout is in {@code phase} at {@code step}; returns the view then. */
    public static JsonPath awaitRollout(String deploymentId, String phase, int step) {
        await().atMost(BOUND).untilAsserted(() -> {
            JsonPath view = view(deploymentId);
            assertThat(view.getString("rollout.phase") + "@" + view.getInt("rollout.stepIndex"))
                    .isEqualTo(phase + "@" + step);
        });
        return view(deploymentId);
    }

    public static JsonPath awaitPhase(String deploymentId, String phase) {
        await().atMost(BOUND).untilAsserted(() -> assertThat(view(deploymentId).getString("rollout.phase")).isEqualTo(phase));
        return view(deploymentId);
    }

    public static ValidatableResponse act(String deploymentId, String action, Map<String, Object> body) {
        // the actor is the token's subject: a body naming "by" is sent by that person, an operator
        Object by = body.get("by");
        io.restassured.specification.RequestSpecification request = by == null ? given()
                : dev.lifeguard.testsupport.TestTokens.as(dev.lifeguard.testsupport.TestTokens.token(by.toString(),
                java.util.Set.of("operator"), java.util.Set.of()));
        return request.contentType(ContentType.JSON).body(body).post("/api/v1/deployments/{id}/" + action, deploymentId)
                .then();
    }

    /** The rollout events ({@code type} e.g. "step-started") of the deployment on the deployments topic, in order. */
    public static List<JsonNode> rolloutEvents(String service, String deploymentId, String type) {
        List<JsonNode> found = new ArrayList<>();
        for (ConsumerRecord<String, String> record : recordsWith(DEPLOYMENTS_TOPIC, service + "/production",
                "lifeguard-rollout." + type + ".")) {
            JsonNode event = EventContract.parse(record.value());
            if (deploymentId.equals(event.at("/data/subject/content/deploymentId").asText())) {
                assertThat(EventContract.violations(record.value())).as(record.value()).isEmpty();
                found.add(event);
            }
        }
        return found;
    }

    public static List<JsonNode> awaitRolloutEvents(String service, String deploymentId, String type, int count) {
        await().atMost(BOUND).until(() -> rolloutEvents(service, deploymentId, type).size() >= count);
        return rolloutEvents(service, deploymentId, type);
    }

    /** Every event deploy-service published for the service, each checked against its contract. */
    public static List<JsonNode> allEvents(String service) {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : recordsWith(DEPLOYMENTS_TOPIC, service + "/production", service)) {
            assertThat(EventContract.violations(record.value())).as(record.value()).isEmpty();
            events.add(EventContract.parse(record.value()));
        }
        return events;
    }
}
