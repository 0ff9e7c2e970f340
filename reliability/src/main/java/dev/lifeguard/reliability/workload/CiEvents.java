package dev.lifeguard.reliability.workload;

import dev.lifeguard.reliability.client.Json;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a CI tool sends to {@code lifeguard.ci}: a bare CDEvent {@code service.upgraded}. */
public final class CiEvents {

    private static final String SOURCE = "/ci/lifeguard-chaos";

    private CiEvents() {
    }

    /** {@code service} now runs {@code version} in production; its own event id and chain. */
    public static String upgraded(String service, String version, String eventId, String chainId,
                                  Map<String, Object> customData) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("specversion", "0.5.1");
        context.put("id", eventId);
        context.put("chainId", chainId);
        context.put("source", SOURCE);
        context.put("type", "dev.cdevents.service.upgraded.0.3.0");
        context.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("environment", Map.of("id", Target.ENVIRONMENT));
        content.put("artifactId", "pkg:generic/" + service + "@" + version);
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("id", service);
        subject.put("source", SOURCE);
        subject.put("content", content);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("context", context);
        event.put("subject", subject);
        event.put("customData", customData);
        return Json.write(event);
    }
}
