package dev.lifeguard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaTestClient;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.testsupport.AdminApi.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** What deploy-service's tests send and look at: CI events, rollback requests, the REST views. */
public final class DeployFixtures {

    public static final String CI_TOPIC = "lifeguard.ci";
    public static final String ROLLBACKS_TOPIC = "lifeguard.rollbacks";
    public static final String DEPLOYMENTS_TOPIC = "lifeguard.deployments";
    public static final String ANALYSES_TOPIC = "lifeguard.analyses";
    public static final String ANOMALIES_TOPIC = "lifeguard.anomalies";

    private DeployFixtures() {
    }

    public static KafkaTestClient kafka() {
        return KafkaTestClient.forTestBroker();
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A CI example from contracts/events/examples/ci. */
    public static JsonNode example(String ciExample) {
        return EventContract.parse(EventContract.read(EventContract.contractsDirectory().resolve("examples/ci").resolve(ciExample)));
    }

    /** A bare CDEvent as CI sends it: {@code service} deployed at {@code version} in production. */
    public static String ciDeployment(String eventId, String service, String version) {
        ObjectNode event = (ObjectNode) example("service-deployed.bare-cdevent.json");
        event.with("context").put("id", eventId).put("timestamp", java.time.Instant.now().toString());
        event.with("subject").put("id", service);
        event.with("subject").with("content").put("artifactId", "pkg:generic/" + service + "@" + version);
        return event.toString();
    }

    /** Reports a deployment over REST; returns its id. */
    public static String deploy(String service, String version) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("service", service, "environment", "production", "version", version))
                .post("/api/v1/deployments").then().statusCode(201).extract().path("id");
    }

    /** The golden rollback-request example, re-targeted at a deployment. */
    public static String rollbackRequest(String eventId, String rollbackId, String service, String deploymentId,
                                         String chainId) {
        ObjectNode event = (ObjectNode) EventContract.parse(EventContract.read(
                EventContract.examples("dev.cdeventsx.lifeguard-rollback.requested.0.1.0").get(0)));
        event.put("id", eventId);
        event.put("chainid", chainId);
        event.put("subject", service + "/production");
        ObjectNode subject = (ObjectNode) event.at("/data/subject");
        subject.put("id", rollbackId);
        ObjectNode content = (ObjectNode) subject.path("content");
        content.put("service", service);
        content.put("deploymentId", deploymentId);
        ((ObjectNode) event.at("/data/context")).put("id", eventId).put("chainId", chainId);
        return event.toString();
    }

    /** monitor-service's verdict (the golden example) for a deployment: passed, failed or inconclusive. */
    public static String verdict(String service, String deploymentId, String outcome, String endedBy) {
        ObjectNode event = (ObjectNode) EventContract.parse(EventContract.read(
                EventContract.examples("dev.cdeventsx.lifeguard-analysis.finished.0.1.0").get(0)));
        String eventId = UUID.randomUUID().toString();
        event.put("id", eventId);
        event.put("subject", service + "/production");
        ((ObjectNode) event.at("/data/context")).put("id", eventId);
        ((ObjectNode) event.at("/data/subject")).put("id", deploymentId);
        ObjectNode content = (ObjectNode) event.at("/data/subject/content");
        content.put("service", service);
        content.put("deploymentId", deploymentId);
        content.put("outcome", outcome);
        content.put("endedBy", endedBy);
        content.put("reason", "analysis " + outcome + " (test)");
        return event.toString();
    }

    /** monitor-service's anomaly (the golden example) naming a deployment. */
    public static String anomaly(String service, String deploymentId) {
        ObjectNode event = (ObjectNode) EventContract.parse(EventContract.read(
                EventContract.examples("dev.cdevents.incident.detected.0.3.0").get(0)));
        String eventId = UUID.randomUUID().toString();
        event.put("id", eventId);
        event.put("subject", service + "/production");
        ((ObjectNode) event.at("/data/context")).put("id", eventId);
        ((ObjectNode) event.at("/data/customData")).put("deploymentId", deploymentId).put("service", service);
        return event.toString();
    }

    /** monitor-service's verdict of a rollout step's analysis ({@code <deploymentId>#<step>}). */
    public static String stepVerdict(String service, String deploymentId, int step, String outcome) {
        ObjectNode event = (ObjectNode) EventContract.parse(verdict(service, deploymentId, outcome, outcome));
        ((ObjectNode) event.at("/data/subject/content")).put("analysisId", deploymentId + "#" + step)
                .put("rolloutStep", step);
        return event.toString();
    }

    public static void publishStepVerdict(String service, String deploymentId, int step, String outcome) {
        kafka().send(ANALYSES_TOPIC, service + "/production", stepVerdict(service, deploymentId, step, outcome));
    }

    /**
     * The CI golden testsuiterun.finished example for {@code service} at {@code version} (artifact
     * {@code pkg:generic/<service>@<version>}): suite, outcome (success, failure), and its chain.
     */
    public static String testSuiteRun(String eventId, String chainId, String service, String version, String suite,
                                      String outcome) {
        ObjectNode event = (ObjectNode) example("testsuiterun-finished.json");
        event.with("context").put("id", eventId).put("timestamp", java.time.Instant.now().toString());
        if (chainId == null) {
            event.with("context").remove("chainId");
        } else {
            event.with("context").put("chainId", chainId);
        }
        event.with("subject").with("content").put("outcome", outcome);
        event.with("subject").with("content").with("testSuite").put("name", suite).put("id", suite);
        event.with("customData").put("artifactId", "pkg:generic/" + service + "@" + version)
                .put("service", service).put("version", version);
        return event.toString();
    }

    public static void publishVerdict(String service, String deploymentId, String outcome) {
        kafka().send(ANALYSES_TOPIC, service + "/production", verdict(service, deploymentId, outcome, outcome));
    }

    /** A CI event of the CDEvents conformance shape for {@code service} in production: type suffix and version. */
    public static String ciServiceEvent(String eventId, String type, String service, String version, String time) {
        ObjectNode event = (ObjectNode) example("service-deployed.bare-cdevent.json");
        ObjectNode context = event.with("context");
        context.put("id", eventId);
        context.put("type", "dev.cdevents.service." + type + ".0.3.0");
        context.put("timestamp", time != null ? time : java.time.Instant.now().toString());
        event.with("subject").put("id", service);
        if (version != null) {
            event.with("subject").with("content").put("artifactId", "pkg:generic/" + service + "@" + version);
        } else {
            event.with("subject").with("content").remove("artifactId");
        }
        return event.toString();
    }

    /** The deployment's status as the environment view shows it. */
    public static String statusOf(String service, String deploymentId) {
        List<Map<String, Object>> history = given().get("/api/v1/services/{s}/environments/production", service)
                .then().statusCode(200).extract().jsonPath().getList("history");
        return history.stream().filter(row -> deploymentId.equals(row.get("id"))).map(row -> (String) row.get("status"))
                .findFirst().orElseThrow();
    }

    /** A target on the scripted executor: 1.0.0 STABLE (its analysis passed), then 2.0.0 current. */
    public record ScriptedTarget(String stableDeploymentId, String failingDeploymentId) {
    }

    public static ScriptedTarget scriptedTarget(dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor scripted,
                                                String service,
                                                dev.lifeguard.deploy.executor.scripted.ScriptedRollbackExecutor.Step... script) {
        scripted.script(service, script);
        given().contentType(ContentType.JSON).body(Map.of("executor", "scripted"))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        String v1 = deploy(service, "1.0.0");
        publishVerdict(service, v1, "passed");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                org.assertj.core.api.Assertions.assertThat(statusOf(service, v1)).isEqualTo("STABLE"));
        return new ScriptedTarget(v1, deploy(service, "2.0.0"));
    }

    /**
     * 1.0.0 passed its analysis, 2.0.0 followed, and a rollback of 2.0.0 was requested; returns the rollback's id once
     * deploy-service's outcome for it is {@code outcome}.
     */
    public static String requestRollbackOfSecondVersion(String service, String outcome, Duration bound) {
        String v1 = deploy(service, "1.0.0");
        publishVerdict(service, v1, "passed");
        await().atMost(bound).until(() -> "STABLE".equals(statusOf(service, v1)));
        String v2 = deploy(service, "2.0.0");
        String rollbackId = "rb-" + UUID.randomUUID();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, v2, "chain-" + service));
        await().atMost(bound).untilAsserted(() -> given().get("/api/v1/rollbacks/{id}", rollbackId).then()
                .body("outcome", equalTo(outcome)));
        return rollbackId;
    }

    public static void awaitEnvironment(String service, String environment, String version) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/services/{s}/environments/{e}", service, environment).then()
                        .statusCode(200)
                        .body("currentVersion", equalTo(version)));
    }

    /** deploy-service's record of the rollback requests it received for a service. */
    public static List<Map<String, Object>> rollbacksOf(String service) {
        return given().queryParam("service", service).get("/api/v1/rollbacks").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    /** The records on a topic (at the moment it is read) with that key whose value contains {@code text}. */
    public static List<ConsumerRecord<String, String>> recordsWith(String topic, String key, String text) {
        return kafka().readAll(topic).stream()
                .filter(record -> key.equals(record.key()) && record.value() != null && record.value().contains(text))
                .toList();
    }
}
