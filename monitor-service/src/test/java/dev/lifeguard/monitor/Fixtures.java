package dev.lifeguard.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import io.restassured.response.ValidatableResponse;
import org.hamcrest.Matcher;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.awaitility.Awaitility.await;

/** Test data built from the golden examples in contracts/events, and waits on monitor-service's REST view. */
public final class Fixtures {

    public static final String DEPLOYMENTS_TOPIC = "lifeguard.deployments";
    public static final String METRICS_TOPIC = "lifeguard.metrics";
    public static final String ANOMALIES_TOPIC = "lifeguard.anomalies";
    public static final String ENVIRONMENT = "production";

    private Fixtures() {
    }

    /** A service name no other test uses: tests share one database and one broker. */
    public static String uniqueService() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String key(String service) {
        return service + "/" + ENVIRONMENT;
    }

    /** Whole seconds in UTC, so a time reads back exactly as written. */
    public static OffsetDateTime secondsAgo(long seconds) {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusSeconds(seconds);
    }

    /** RFC 3339 with seconds always present ({@code OffsetDateTime.toString()} drops ":00"). */
    public static String rfc3339(OffsetDateTime time) {
        return time.toInstant().toString();
    }

    /** The golden example with every occurrence of the example service renamed. */
    public static String golden(String exampleName, String service) {
        return EventContract.read(EventContract.contractsDirectory().resolve("examples").resolve(exampleName + ".json"))
                .replace("checkout", service);
    }

    /** deploy-service's {@code service.upgraded} for a new deployment of {@code version}, with fresh ids and chain. */
    public static ObjectNode upgraded(String service, String version, OffsetDateTime deployedAt) {
        ObjectNode event = (ObjectNode) EventContract.parse(golden("dev.cdevents.service.upgraded.0.3.0", service));
        String eventId = UUID.randomUUID().toString();
        String chainId = UUID.randomUUID().toString();
        event.put("id", eventId).put("time", rfc3339(deployedAt)).put("chainid", chainId);
        ((ObjectNode) event.at("/data/context")).put("id", eventId).put("timestamp", rfc3339(deployedAt))
                .put("chainId", chainId);
        ((ObjectNode) event.at("/data/subject/content")).put("artifactId", "pkg:generic/" + service + "@" + version);
        ((ObjectNode) event.at("/data/customData")).put("deploymentId", "d-" + UUID.randomUUID())
                .put("version", version);
        return event;
    }

    /**
     * deploy-service's {@code service.rolledback} taking out the deployment announced by {@code upgraded}, restoring
     * 1.0.0 as a deployment with a fresh id ({@code /data/customData/restoredDeploymentId}) under a fresh rollback id.
     */
    public static ObjectNode rolledBack(JsonNode upgraded, OffsetDateTime rolledBackAt) {
        return rolledBack(upgraded, "d-" + UUID.randomUUID(), rolledBackAt);
    }

    public static ObjectNode rolledBack(JsonNode upgraded, String restoredDeploymentId, OffsetDateTime rolledBackAt) {
        String service = upgraded.at("/data/customData/service").asText();
        ObjectNode event = (ObjectNode) EventContract.parse(golden("dev.cdevents.service.rolledback.0.3.0", service));
        String eventId = UUID.randomUUID().toString();
        event.put("id", eventId).put("time", rfc3339(rolledBackAt)).put("chainid", upgraded.path("chainid").asText());
        ((ObjectNode) event.at("/data/context")).put("id", eventId).put("timestamp", rfc3339(rolledBackAt))
                .put("chainId", upgraded.path("chainid").asText());
        ((ObjectNode) event.at("/data/customData"))
                .put("deploymentId", upgraded.at("/data/customData/deploymentId").asText())
                .put("fromVersion", upgraded.at("/data/customData/version").asText())
                .put("rollbackId", "rollback-" + UUID.randomUUID())
                .put("restoredDeploymentId", restoredDeploymentId)
                .put("restoredEventId", UUID.randomUUID().toString());
        return event;
    }

    /**
     * deploy-service's {@code lifeguard-rollout.step-started} of a pause step asking for the analysis
     * {@code <deploymentId>#<stepIndex>} over {@code window} (ISO-8601; null: the spec's), with a fresh event id.
     */
    public static ObjectNode stepStarted(String service, String deploymentId, String version, String stableVersion,
                                         int stepIndex, String window, OffsetDateTime at) {
        ObjectNode event = (ObjectNode) EventContract.parse(golden("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0",
                service));
        String eventId = UUID.randomUUID().toString();
        event.put("id", eventId).put("time", rfc3339(at));
        ((ObjectNode) event.at("/data/context")).put("id", eventId).put("timestamp", rfc3339(at));
        ((ObjectNode) event.at("/data/subject")).put("id", deploymentId);
        ObjectNode content = (ObjectNode) event.at("/data/subject/content");
        content.put("deploymentId", deploymentId).put("version", version).put("stableVersion", stableVersion)
                .put("artifactId", "pkg:generic/" + service + "@" + version).put("stepIndex", stepIndex);
        content.putObject("step").put("kind", "pause").put("duration", window);
        content.putObject("analysis").put("analysisId", deploymentId + "#" + stepIndex).put("window", window);
        return event;
    }

    /** The {@code service.rolledback} of a rollout's abort ({@code rolloutAborted: true}), back to {@code toVersion}. */
    public static ObjectNode rolloutRolledBack(JsonNode stepStarted, String toVersion, OffsetDateTime at) {
        String service = stepStarted.at("/data/subject/content/service").asText();
        String deploymentId = stepStarted.at("/data/subject/content/deploymentId").asText();
        ObjectNode event = (ObjectNode) EventContract.parse(golden("dev.cdevents.service.rolledback.0.3.0", service));
        String eventId = UUID.randomUUID().toString();
        String chainId = stepStarted.path("chainid").asText();
        event.put("id", eventId).put("time", rfc3339(at)).put("chainid", chainId);
        ((ObjectNode) event.at("/data/context")).put("id", eventId).put("timestamp", rfc3339(at)).put("chainId", chainId);
        ((ObjectNode) event.at("/data/subject/content")).put("artifactId", "pkg:generic/" + service + "@" + toVersion);
        ((ObjectNode) event.at("/data/customData")).put("deploymentId", deploymentId)
                .put("fromVersion", stepStarted.at("/data/subject/content/version").asText())
                .put("toVersion", toVersion)
                .put("rollbackId", "abort-" + deploymentId)
                .put("restoredDeploymentId", "d-stable-" + UUID.randomUUID())
                .put("rolloutAborted", true);
        return event;
    }

    public static String deploymentId(JsonNode deploymentEvent) {
        return deploymentEvent.at("/data/customData/deploymentId").asText();
    }

    /** A metric sample as in metric-sample.json; a null timestamp is left out (arrival time applies). */
    public static ObjectNode sample(String service, String version, String metric, double value,
                                    OffsetDateTime timestamp) {
        ObjectNode sample = JsonNodeFactory.instance.objectNode()
                .put("service", service)
                .put("environment", ENVIRONMENT)
                .put("version", version)
                .put("metric", metric)
                .put("value", value);
        if (timestamp != null) {
            sample.put("timestamp", rfc3339(timestamp));
        }
        return sample;
    }

    public static ObjectNode errorRate(String service, String version, double value, OffsetDateTime timestamp) {
        return sample(service, version, "error_rate", value, timestamp);
    }

    /** Waits until the target's current analysis matches, e.g. on {@code status} or {@code samples}. */
    public static ValidatableResponse awaitAnalysis(String service, String path, Matcher<?> matcher) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given()
                .get("/api/v1/analyses/{service}/{environment}", service, ENVIRONMENT).then()
                .statusCode(200)
                .body(path, matcher));
        return given().get("/api/v1/analyses/{service}/{environment}", service, ENVIRONMENT).then();
    }

    /** Waits until the target's analysis with this id (a deployment id, or deployment id @ rollback id) matches. */
    public static void awaitAnalysisWithId(String service, String analysisId, String path, Matcher<?> matcher) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().queryParam("service", service)
                .get("/api/v1/analyses").then()
                .statusCode(200)
                .body("find { it.analysisId == '" + analysisId + "' }." + path, matcher));
    }

    /** Sets the target's analysis spec over REST. */
    public static void putSpec(String service, String spec) {
        given().contentType("application/json").body(spec)
                .put("/api/v1/analysis-specs/{service}/{environment}", service, ENVIRONMENT).then().statusCode(200);
    }

    public static ValidatableResponse anomalies(String service) {
        return given().queryParam("service", service).queryParam("environment", ENVIRONMENT)
                .get("/api/v1/anomalies").then().statusCode(200);
    }
}
