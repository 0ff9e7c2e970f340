package dev.lifeguard.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The events deploy-service and monitor-service publish, made from the golden examples in
 * {@code contracts/events/examples} (the contract both sides test against) with a test's own identities, so the
 * services under test read exactly what their producers write.
 */
final class GoldenEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path examples;

    GoldenEvents(Path repositoryRoot) {
        this.examples = repositoryRoot.resolve("contracts/events/examples");
    }

    /** deploy-service's {@code service.deployed}: the first version of a service in an environment. */
    String deployed(String eventId, String chainId, String service, String environment, String deploymentId,
                    String version) {
        ObjectNode event = envelope("dev.cdevents.service.deployed.0.3.0.json", eventId, chainId, service, environment,
                "ci-" + eventId);
        deploymentSubject(event, service, environment, deploymentId, version, null, "ci-" + eventId);
        return event.toString();
    }

    /** deploy-service's {@code service.upgraded}: {@code version} replaces {@code previousVersion}, the stable one. */
    String upgraded(String eventId, String chainId, String service, String environment, String deploymentId,
                    String version, String previousVersion) {
        ObjectNode event = envelope("dev.cdevents.service.upgraded.0.3.0.json", eventId, chainId, service, environment,
                "ci-" + eventId);
        deploymentSubject(event, service, environment, deploymentId, version, previousVersion, "ci-" + eventId);
        return event.toString();
    }

    /** monitor-service's {@code incident.detected} about a deployment, triggered by its deployment event. */
    String anomaly(String eventId, String chainId, String deploymentEventId, String anomalyId, String service,
                   String environment, String deploymentId, String version) {
        ObjectNode event = envelope("dev.cdevents.incident.detected.0.3.0.json", eventId, chainId, service, environment,
                deploymentEventId);
        ObjectNode subject = (ObjectNode) event.path("data").path("subject");
        subject.put("id", anomalyId);
        ObjectNode content = (ObjectNode) subject.path("content");
        content.put("description", "error_rate above 0.05 for 3 consecutive samples on " + service + " " + version
                + " in " + environment);
        ((ObjectNode) content.path("environment")).put("id", environment);
        ((ObjectNode) content.path("service")).put("id", service);
        content.put("artifactId", "pkg:generic/" + service + "@" + version);
        ObjectNode custom = (ObjectNode) event.path("data").path("customData");
        custom.put("anomalyId", anomalyId);
        custom.put("deploymentId", deploymentId);
        custom.put("analysisId", deploymentId);
        custom.put("service", service);
        custom.put("environment", environment);
        custom.put("version", version);
        return event.toString();
    }

    /**
     * monitor-service's {@code lifeguard-analysis.finished} with outcome {@code inconclusive} about the full-traffic
     * analysis of a deployment: ended by its window with no metric able to judge it ({@code endedBy window}), or cut
     * short by a newer deployment ({@code superseded}), as every replaced deployment's analysis ends.
     */
    String inconclusiveVerdict(String eventId, String chainId, String deploymentEventId, String service,
                               String environment, String deploymentId, String version, String stableVersion,
                               String endedBy, String reason) {
        ObjectNode event = envelope("dev.cdeventsx.lifeguard-analysis.finished.0.1.0.json", eventId, chainId, service,
                environment, deploymentEventId);
        ObjectNode subject = (ObjectNode) event.path("data").path("subject");
        subject.put("id", deploymentId);
        ObjectNode content = (ObjectNode) subject.path("content");
        content.put("service", service);
        content.put("environment", environment);
        content.put("deploymentId", deploymentId);
        content.put("analysisId", deploymentId);
        content.put("version", version);
        content.put("stableVersion", stableVersion);
        content.put("outcome", "inconclusive");
        content.put("reason", reason);
        content.put("endedBy", endedBy);
        content.putNull("anomalyId");
        // the example's inconclusive metric only: nothing failed
        ArrayNode metrics = (ArrayNode) content.path("metrics");
        for (int i = metrics.size() - 1; i >= 0; i--) {
            if (!"inconclusive".equals(metrics.get(i).path("verdict").asText())) {
                metrics.remove(i);
            }
        }
        return event.toString();
    }

    private ObjectNode envelope(String example, String eventId, String chainId, String service, String environment,
                                String triggeredBy) {
        ObjectNode event = read(example);
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        event.put("id", eventId);
        event.put("subject", service + "/" + environment);
        event.put("time", now);
        event.put("chainid", chainId);
        ObjectNode context = (ObjectNode) event.path("data").path("context");
        context.put("id", eventId);
        context.put("chainId", chainId);
        context.put("timestamp", now);
        ((ObjectNode) context.path("links").path(0).path("target")).put("contextId", triggeredBy);
        return event;
    }

    private static void deploymentSubject(ObjectNode event, String service, String environment, String deploymentId,
                                          String version, String previousVersion, String ciEventId) {
        ObjectNode subject = (ObjectNode) event.path("data").path("subject");
        subject.put("id", service);
        ObjectNode content = (ObjectNode) subject.path("content");
        ((ObjectNode) content.path("environment")).put("id", environment);
        content.put("artifactId", "pkg:generic/" + service + "@" + version);
        ObjectNode custom = (ObjectNode) event.path("data").path("customData");
        custom.put("deploymentId", deploymentId);
        custom.put("service", service);
        custom.put("environment", environment);
        custom.put("version", version);
        custom.put("previousVersion", previousVersion);
        custom.put("stableVersion", previousVersion);
        custom.put("ciEventId", ciEventId);
    }

    private ObjectNode read(String example) {
        try {
            return (ObjectNode) MAPPER.readTree(examples.resolve(example).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the golden example " + example, e);
        }
    }
}
