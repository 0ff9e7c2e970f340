package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A structured-mode CloudEvent read from a Lifeguard topic, with a one-line summary for the demo's output.
 * Reading is tolerant: a missing field shows as {@code ?} rather than failing the demo.
 */
public record DemoEvent(String topic, int partition, long offset, String key, JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record's value as an event, or empty when it is not a JSON object. */
    public static Optional<DemoEvent> parse(String topic, int partition, long offset, String key, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(value);
            return json != null && json.isObject() ? Optional.of(new DemoEvent(topic, partition, offset, key, json))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String id() {
        return json.path("id").asText("");
    }

    public String type() {
        return json.path("type").asText("");
    }

    public String chainId() {
        return json.path("chainid").asText(json.at("/data/context/chainId").asText(""));
    }

    /** {@code dev.cdevents.service.deployed.0.3.0} → {@code service.deployed}; {@code dev.cdeventsx.lifeguard-rollback.requested.0.1.0} → {@code rollback.requested}. */
    public String shortType() {
        return shortType(type());
    }

    public static String shortType(String type) {
        String[] parts = type.split("\\.");
        // <reverse-dns>.<subject>.<predicate>.<major>.<minor>.<patch>
        if (parts.length < 7) {
            return type;
        }
        String subject = parts[parts.length - 5];
        String predicate = parts[parts.length - 4];
        return subject.replaceFirst("^lifeguard-", "") + "." + predicate;
    }

    public JsonNode customData() {
        return json.at("/data/customData");
    }

    public JsonNode subjectContent() {
        return json.at("/data/subject/content");
    }

    /** The service this event is about: from the Kafka key {@code <service>/<environment>}, else the data. */
    public String service() {
        if (key != null && key.contains("/")) {
            return key.substring(0, key.indexOf('/'));
        }
        String fromData = customData().path("service").asText(subjectContent().path("service").asText(""));
        return fromData.isEmpty() ? json.path("subject").asText("").split("/")[0] : fromData;
    }

    public boolean is(String shortType) {
        return shortType().equals(shortType);
    }

    /** What a person wants to know about this event, in one line. */
    public String summary() {
        JsonNode custom = customData();
        JsonNode content = subjectContent();
        return switch (shortType()) {
            case "service.deployed" -> text(custom, "service") + " " + text(custom, "version") + " deployed to "
                    + text(custom, "environment") + " (deployment " + text(custom, "deploymentId") + ")";
            case "service.upgraded" -> text(custom, "service") + " upgraded " + text(custom, "previousVersion") + " → "
                    + text(custom, "version") + " in " + text(custom, "environment") + " (stable version "
                    + text(custom, "stableVersion") + ", deployment " + text(custom, "deploymentId") + ")";
            case "service.rolledback" -> text(custom, "service") + " rolled back " + text(custom, "fromVersion") + " → "
                    + text(custom, "toVersion") + " in " + text(custom, "environment") + " (executor "
                    + text(custom, "executor") + ")";
            case "incident.detected" -> "anomaly on " + text(custom, "service") + " " + text(custom, "version") + ": "
                    + text(custom, "rule") + ", observed " + values(custom.path("observedValues"));
            case "rollback.requested" -> "rollback decided " + text(content, "fromVersion") + " → "
                    + text(content, "toVersion") + ": " + text(content, "reason");
            case "rollback.decided" -> "decided " + text(content, "decision")
                    + (content.path("previousDecision").isTextual() ? " (was " + text(content, "previousDecision")
                    + (content.path("settledBy").isTextual() ? ", settled by " + text(content, "settledBy") : "") + ")" : "")
                    + ", rule " + text(content.path("explanation"), "rule") + ": " + text(content.path("explanation"), "reason");
            case "rollback.approval-requested" -> "approval requested to roll back " + text(content, "fromVersion")
                    + " → " + text(content, "toVersion") + " (deadline " + text(content.path("approval"), "deadline")
                    + ", then " + text(content.path("approval"), "onTimeout") + "): "
                    + text(content.path("explanation"), "reason");
            case "rollback.escalated" -> "escalated to " + text(content, "escalationTeam") + " ("
                    + text(content, "escalatedBecause") + ", then " + text(content, "then") + "): "
                    + text(content.path("explanation"), "reason");
            case "rollback.guard-tripped" -> "storm guard tripped in " + text(content, "environment") + ": "
                    + text(content, "count") + " automatic rollbacks within " + text(content, "window") + " (limit "
                    + text(content, "limit") + "); automatic rollbacks there now need approval";
            case "rollback.accepted" -> "rollback " + text(content, "fromVersion") + " → " + text(content, "toVersion")
                    + " accepted by executor " + text(content, "executor") + ", completion comes later: "
                    + text(content, "detail");
            case "rollback.failed" -> "rollback " + text(content, "fromVersion") + " → " + text(content, "toVersion")
                    + " FAILED with executor " + text(content, "executor") + " after " + text(content, "attempts")
                    + " attempt(s): " + text(content, "detail");
            case "rollback.skipped" -> "rollback " + text(content, "fromVersion") + " → " + text(content, "toVersion")
                    + " skipped: " + text(content, "detail");
            case "notification.published" -> "notification for team " + text(content, "team") + " via "
                    + text(content, "channelType") + ": " + text(content, "title");
            case "analysis.finished" -> "analysis of " + text(content, "service") + " " + text(content, "version")
                    + " " + text(content, "outcome") + " (ended by " + text(content, "endedBy") + " after "
                    + text(content, "samples") + " samples): " + text(content, "reason");
            case "incident.resolved" -> "incident " + text(custom, "incidentId") + " resolved: "
                    + text(custom, "triggerVersion") + " → " + text(custom, "restoredVersion");
            case "rollout.gated" -> text(content, "version") + " GATED: " + text(content, "reason");
            case "rollout.released" -> text(content, "version") + " released from the gate by "
                    + text(content, "releasedBy") + ": " + text(content, "reason");
            case "rollout.step-started" -> text(content, "version") + " step " + (content.path("stepIndex").asInt() + 1)
                    + "/" + text(content, "stepCount") + " " + stepText(content) + ", " + text(content, "weight")
                    + "% of traffic on it";
            case "rollout.paused" -> text(content, "version") + " rollout PAUSED at " + text(content, "weight")
                    + "% by " + text(content, "pausedBy") + ": " + text(content, "reason");
            case "rollout.promoted" -> text(content, "version") + " promoted (" + text(content, "promotedBy")
                    + "): it takes all traffic";
            case "rollout.aborted" -> text(content, "version") + " rollout ABORTED by " + text(content, "abortedBy")
                    + ": " + text(content, "reason") + " (traffic back to " + text(content, "stableVersion") + ")";
            default -> type() + " " + json.path("subject").asText("");
        };
    }

    private static String stepText(JsonNode content) {
        JsonNode step = content.path("step");
        String kind = text(step, "kind");
        if (kind.equals("pause")) {
            JsonNode analysis = content.path("analysis");
            return "pause " + (step.path("duration").isTextual() ? step.path("duration").asText() : "until promoted")
                    + (analysis.isObject() ? ", analysed as " + text(analysis, "analysisId") : "");
        }
        return kind.equals("set-weight") ? "set weight " + text(step, "weight") + "%" : kind;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? "?" : value.asText();
    }

    static String values(JsonNode array) {
        if (!array.isArray()) {
            return "?";
        }
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return String.join(", ", values);
    }
}
