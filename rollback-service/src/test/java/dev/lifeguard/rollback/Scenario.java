package dev.lifeguard.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * One service/environment of its own, fed with deploy-service's and monitor-service's events built from
 * the golden examples, so tests sharing the broker and the database stay independent.
 */
public final class Scenario {

    public static final String DEPLOYMENTS = "lifeguard.deployments";
    public static final String ANOMALIES = "lifeguard.anomalies";
    public static final String ROLLBACKS = "lifeguard.rollbacks";

    public final KafkaTestClient kafka = KafkaTestClient.forTestBroker();
    public final String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    public final String environment;
    public final String chainId = "chain-" + UUID.randomUUID();

    public Scenario() {
        this("production");
    }

    /** A scenario in an environment of its own choosing: policies and the storm guard are per environment. */
    public Scenario(String environment) {
        this.environment = environment;
    }

    public String key() {
        return service + "/" + environment;
    }

    /**
     * deploy-service's service.deployed (no stable version) or service.upgraded for a new deployment, stamped
     * with the current time, as deploy-service stamps a deployment when it starts.
     */
    public ObjectNode deployment(String deploymentId, String version, String stableVersion) {
        return deployment(deploymentId, version, stableVersion, Instant.now());
    }

    /** A deployment event whose deployment started at {@code startedAt}: replays carry the time of the original. */
    public ObjectNode deployment(String deploymentId, String version, String stableVersion, Instant startedAt) {
        ObjectNode event = example(stableVersion == null
                ? "dev.cdevents.service.deployed.0.3.0" : "dev.cdevents.service.upgraded.0.3.0");
        identify(event);
        String time = startedAt.truncatedTo(ChronoUnit.MILLIS).toString();
        event.put("time", time);
        event.withObject("/data/context").put("timestamp", time);
        ObjectNode custom = event.withObject("/data/customData");
        custom.put("deploymentId", deploymentId);
        custom.put("service", service);
        custom.put("environment", environment);
        custom.put("version", version);
        custom.put("stableVersion", stableVersion);
        event.withObject("/data/subject").put("id", service);
        return event;
    }

    /** monitor-service's incident.detected for a deployment, with the golden evidence (0.21, 0.34, 0.4). */
    public ObjectNode anomaly(String deploymentId, String version) {
        ObjectNode event = example("dev.cdevents.incident.detected.0.3.0");
        identify(event);
        String anomalyId = "anomaly-" + UUID.randomUUID();
        ObjectNode custom = event.withObject("/data/customData");
        custom.put("anomalyId", anomalyId);
        custom.put("deploymentId", deploymentId);
        custom.put("analysisId", deploymentId);
        custom.put("service", service);
        custom.put("environment", environment);
        custom.put("version", version);
        event.withObject("/data/subject").put("id", anomalyId);
        return event;
    }

    /**
     * deploy-service's {@code lifeguard-rollout.step-started} (golden example, a canary): {@code deploymentId} at step
     * {@code stepIndex} takes {@code weight} percent of the traffic beside {@code stableVersion}.
     */
    public ObjectNode stepStarted(String deploymentId, String version, String stableVersion, int stepIndex, int weight) {
        ObjectNode event = example("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0");
        identify(event);
        String time = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        event.put("time", time);
        event.withObject("/data/context").put("timestamp", time);
        event.withObject("/data/subject").put("id", deploymentId);
        ObjectNode content = event.withObject("/data/subject/content");
        content.put("service", service).put("environment", environment).put("deploymentId", deploymentId)
                .put("version", version).put("stableVersion", stableVersion).put("stepIndex", stepIndex)
                .put("weight", weight).put("artifactId", "pkg:generic/" + service + "@" + version);
        content.putObject("analysis").put("analysisId", deploymentId + "#" + stepIndex).put("window", "PT5M");
        return event;
    }

    /** monitor-service's incident.detected for the analysis of rollout step {@code stepIndex} of a deployment. */
    public ObjectNode stepAnomaly(String deploymentId, String version, int stepIndex) {
        ObjectNode event = anomaly(deploymentId, version);
        event.withObject("/data/customData").put("rolloutStep", stepIndex)
                .put("analysisId", deploymentId + "#" + stepIndex).put("stableVersion", "1.0.0");
        return event;
    }

    /** deploy-service's service.rolledback: {@code deploymentId} was taken out, {@code toVersion} runs again. */
    public ObjectNode rolledBack(String deploymentId, String fromVersion, String toVersion) {
        ObjectNode event = example("dev.cdevents.service.rolledback.0.3.0");
        identify(event);
        ObjectNode custom = event.withObject("/data/customData");
        custom.put("deploymentId", deploymentId);
        custom.put("service", service);
        custom.put("environment", environment);
        custom.put("fromVersion", fromVersion);
        custom.put("toVersion", toVersion);
        return event;
    }

    /** service.rolledback naming the decision it executed, as deploy-service reports the rollbacks it executes. */
    public ObjectNode rolledBack(String deploymentId, String fromVersion, String toVersion, String rollbackId) {
        ObjectNode event = rolledBack(deploymentId, fromVersion, toVersion);
        event.withObject("/data/customData").put("rollbackId", rollbackId);
        return event;
    }

    /**
     * deploy-service's report on executing rollback {@code rollbackId} of {@code deploymentId}: {@code outcome} is
     * accepted, failed or skipped.
     */
    public ObjectNode executionReport(String outcome, String rollbackId, String deploymentId, String detail) {
        ObjectNode event = example("dev.cdeventsx.lifeguard-rollback." + outcome + ".0.1.0");
        identify(event);
        event.withObject("/data/subject").put("id", rollbackId);
        ObjectNode content = event.withObject("/data/subject/content");
        content.put("service", service);
        content.put("environment", environment);
        content.put("rollbackId", rollbackId);
        content.put("deploymentId", deploymentId);
        content.put("detail", detail);
        return event;
    }

    public void send(String topic, JsonNode event) {
        kafka.send(topic, key(), event.toString());
    }

    /** Deploys {@code version} (with {@code stableVersion} as its rollback target) and returns the deployment id. */
    public String deploy(String version, String stableVersion) {
        String deploymentId = "d-" + UUID.randomUUID();
        send(DEPLOYMENTS, deployment(deploymentId, version, stableVersion));
        return deploymentId;
    }

    /**
     * The record of an event as the broker hands it to a consumer, to give it to a consumer bean directly: again
     * (a redelivery), or to two of them at once (two instances after a rebalance).
     */
    public ConsumerRecord<String, String> record(String topic, JsonNode event) {
        return new ConsumerRecord<>(topic, 0, 1_000_000L, key(), event.toString());
    }

    public static final String REQUESTED = "dev.cdeventsx.lifeguard-rollback.requested.0.1.0";
    public static final String DECIDED = "dev.cdeventsx.lifeguard-rollback.decided.0.1.0";
    public static final String APPROVAL_REQUESTED = "dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0";
    public static final String ESCALATED = "dev.cdeventsx.lifeguard-rollback.escalated.0.1.0";
    public static final String GUARD_TRIPPED = "dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0";

    /** The first rollback request (lifeguard-rollback.requested) of the scenario's target. */
    public ConsumerRecord<String, String> awaitRollbackRequest() {
        return kafka.awaitRecord(ROLLBACKS, record -> key().equals(record.key()) && REQUESTED.equals(type(record)));
    }

    /** The rollback requests (lifeguard-rollback.requested) published for the scenario's target. */
    public List<ConsumerRecord<String, String>> publishedRollbackRequests() {
        return published(REQUESTED);
    }

    /** Every event of {@code type} rollback-service published for the scenario's target, in order. */
    public List<ConsumerRecord<String, String>> published(String type) {
        return kafka.readAll(ROLLBACKS).stream()
                .filter(record -> key().equals(record.key()) && type.equals(type(record)))
                .toList();
    }

    /** The events of {@code type} published about one decision. */
    public List<com.fasterxml.jackson.databind.JsonNode> publishedAbout(String type, String decisionId) {
        return published(type).stream().map(record -> EventContract.parse(record.value()))
                .filter(event -> decisionId.equals(event.at("/data/subject/id").asText()))
                .toList();
    }

    /** monitor-service's lifeguard-analysis.finished for the full-traffic analysis of a deployment, with {@code outcome}. */
    public ObjectNode verdict(String deploymentId, String version, String outcome) {
        ObjectNode event = example("dev.cdeventsx.lifeguard-analysis.finished.0.1.0");
        identify(event);
        event.withObject("/data/subject").put("id", deploymentId);
        ObjectNode content = event.withObject("/data/subject/content");
        content.put("service", service).put("environment", environment).put("deploymentId", deploymentId)
                .put("analysisId", deploymentId).put("version", version).put("outcome", outcome)
                .put("reason", "latency_p99: 2 intervals so far, the canary detector needs 3");
        if (!"failed".equals(outcome)) {
            content.putNull("anomalyId");
        }
        return event;
    }

    private static String type(ConsumerRecord<String, String> record) {
        return record.value() == null ? null : EventContract.parse(record.value()).path("type").asText();
    }

    /** The rollback requests published for one deployment of this scenario. */
    public List<ConsumerRecord<String, String>> publishedRollbackRequestsFor(String deploymentId) {
        return publishedRollbackRequests().stream()
                .filter(record -> deploymentId.equals(EventContract.parse(record.value())
                        .at("/data/subject/content/deploymentId").asText()))
                .toList();
    }

    /** Whether {@code <topic>.dlq} holds the event (matched by its id). */
    public boolean deadLettered(String topic, JsonNode event) {
        String id = event.path("id").asText();
        return kafka.readAll(topic + ".dlq").stream().anyMatch(record -> record.value() != null && record.value().contains(id));
    }

    /**
     * Waits until everything sent before it has been consumed and everything queued before it has been
     * published: a rollback of a fresh scenario goes through both topics and the outbox, each in order.
     */
    public static void awaitAllEarlierEventsHandled() {
        Scenario marker = new Scenario();
        marker.deploy("1.0.0", null);
        String v2 = marker.deploy("2.0.0", "1.0.0");
        marker.send(ANOMALIES, marker.anomaly(v2, "2.0.0"));
        marker.awaitRollbackRequest();
    }

    public static ObjectNode example(String type) {
        return (ObjectNode) EventContract.parse(EventContract.read(EventContract.examples(type).get(0)));
    }

    private void identify(ObjectNode event) {
        String id = UUID.randomUUID().toString();
        event.put("id", id);
        event.put("subject", key());
        event.put("chainid", chainId);
        ObjectNode context = event.withObject("/data/context");
        context.put("id", id);
        context.put("chainId", chainId);
    }
}
