package dev.lifeguard.benchmark.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * What the benchmark sends, by the contracts in {@code contracts/events}: {@code service.upgraded} events as
 * deploy-service publishes them, and metric samples (undated, so that each one counts: the engine dates them by
 * their record). Every target is {@code <service>/production}, the service named after the run and the phase.
 */
final class Workload {

    static final String ENVIRONMENT = "production";
    static final String STABLE_VERSION = "1.0.0";
    static final String VERSION = "2.0.0";
    static final String METRIC = "error_rate";
    /** Below the default spec's threshold (max 0.05). */
    static final double HEALTHY = 0.01;
    /** Above it: three in a row fail the analysis (failureLimit 3). */
    static final double BAD = 0.5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Workload() {
    }

    static String target(String service) {
        return service + "/" + ENVIRONMENT;
    }

    /** {@code dev.cdevents.service.upgraded.0.3.0}: 1.0.0 (stable) → 2.0.0, deployed now. */
    static String upgraded(String service, String deploymentId) {
        String id = UUID.randomUUID().toString();
        String chainId = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0").put("id", id).put("source", "/lifeguard/benchmark")
                .put("type", "dev.cdevents.service.upgraded.0.3.0").put("subject", target(service)).put("time", now)
                .put("chainid", chainId).put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        ObjectNode context = data.putObject("context");
        context.put("specversion", "0.5.1").put("id", id).put("chainId", chainId).put("source", "/lifeguard/benchmark")
                .put("type", "dev.cdevents.service.upgraded.0.3.0").put("timestamp", now);
        ObjectNode link = context.putArray("links").addObject();
        link.put("linkType", "RELATION").put("linkKind", "TRIGGER").putObject("target").put("contextId", "ci-" + id);
        ObjectNode subject = data.putObject("subject");
        subject.put("id", service).put("source", "/lifeguard/benchmark");
        ObjectNode content = subject.putObject("content");
        content.putObject("environment").put("id", ENVIRONMENT);
        content.put("artifactId", "pkg:generic/" + service + "@" + VERSION);
        data.putObject("customData").put("deploymentId", deploymentId).put("service", service)
                .put("environment", ENVIRONMENT).put("version", VERSION).put("previousVersion", STABLE_VERSION)
                .put("stableVersion", STABLE_VERSION).put("team", "benchmark").put("ciEventId", "ci-" + id);
        data.put("customDataContentType", "application/json");
        return event.toString();
    }

    /** An array of {@code count} undated samples of the analysed version, all of one value. */
    static String samples(String service, double value, int count) {
        ArrayNode array = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            array.addObject().put("service", service).put("environment", ENVIRONMENT).put("version", VERSION)
                    .put("metric", METRIC).put("value", value);
        }
        return array.toString();
    }

    static byte[] samplesBytes(String service, double value, int count) {
        return samples(service, value, count).getBytes(StandardCharsets.UTF_8);
    }
}
