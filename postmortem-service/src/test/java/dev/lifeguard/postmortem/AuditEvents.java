package dev.lifeguard.postmortem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Audit events as the services write them: the contract's example ({@code contracts/events/examples}) with a fresh id
 * and the actor, action, target, outcome and time a test needs.
 */
public final class AuditEvents {

    public static final String TYPE = "dev.cdeventsx.lifeguard-audit.recorded.0.1.0";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private AuditEvents() {
    }

    public record Entry(String id, String actor, String action, String target, String outcome, OffsetDateTime at,
                        String service) {

        public static Entry of(String actor, String action, String target, String outcome, OffsetDateTime at) {
            return new Entry(UUID.randomUUID().toString(), actor, action, target, outcome, at, "rollback-service");
        }

        public Entry withService(String service) {
            return new Entry(id, actor, action, target, outcome, at, service);
        }
    }

    /** The event of {@code entry}, valid against the contract schema. */
    public static String event(Entry entry) {
        ObjectNode event = example();
        String at = RFC_3339.format(entry.at());
        event.put("id", entry.id()).put("chainid", entry.id()).put("time", at)
                .put("subject", entry.service());
        ObjectNode context = (ObjectNode) event.at("/data/context");
        context.put("id", entry.id()).put("chainId", entry.id()).put("timestamp", at);
        ObjectNode content = (ObjectNode) event.at("/data/subject/content");
        content.put("service", entry.service()).put("actor", entry.actor()).put("action", entry.action())
                .put("target", entry.target()).put("outcome", entry.outcome()).put("at", at);
        ((ObjectNode) event.at("/data/subject")).put("id", entry.target());
        String json = event.toString();
        if (!EventContract.violations(json).isEmpty()) {
            throw new IllegalStateException("test audit event breaks the contract: " + EventContract.violations(json));
        }
        return json;
    }

    /** {@code event} with {@code /data/subject/content/<field>} replaced by raw JSON (or removed, for null). */
    public static String withContent(String event, String field, String rawJson) {
        try {
            ObjectNode node = (ObjectNode) MAPPER.readTree(event);
            ObjectNode content = (ObjectNode) node.at("/data/subject/content");
            if (rawJson == null) {
                content.remove(field);
            } else {
                content.set(field, MAPPER.readTree(rawJson));
            }
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode example() {
        Path example = EventContract.examples(TYPE).stream()
                .filter(path -> !path.getFileName().toString().contains("automatic")).findFirst().orElseThrow();
        return (ObjectNode) EventContract.parse(EventContract.read(example)).deepCopy();
    }
}
