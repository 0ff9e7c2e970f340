package dev.lifeguard.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rollback decision of rollback-service ({@code GET /api/v1/rollbacks/{id}}, or an event's content) in lines for
 * people: outcome and rule, the reason, the policy and where it came from, the inputs that decided, the approval and
 * the execution. Tolerant: what a decision does not carry is left out, never printed as an error.
 */
public final class DecisionText {

    /** Inputs shown with their own wording; the others are listed as {@code name: value}. */
    private static final Set<String> WORDED_INPUTS = Set.of("trigger", "anomalyId", "analysisId", "evidence",
            "stormGuard", "freezeWindow");

    private DecisionText() {
    }

    /** The whole decision: headline, target, reason, policy, inputs, approval, execution. */
    public static List<String> lines(JsonNode decision) {
        List<String> lines = new ArrayList<>();
        JsonNode explanation = decision.path("explanation");
        String rule = text(decision, "rule", text(explanation, "rule", null));
        lines.add("rollback " + text(decision, "id", "?") + ": " + text(decision, "decision", "?")
                + (rule == null ? "" : " (rule " + rule + ")"));
        lines.add("  " + text(decision, "service", "?") + " in " + text(decision, "environment", "?") + ": "
                + text(decision, "fromVersion", "?") + " → " + text(decision, "toVersion", "none")
                + " (deployment " + text(decision, "deploymentId", "?")
                + (decision.hasNonNull("decidedAt") ? ", decided " + decision.path("decidedAt").asText() : "") + ")");
        String reason = text(explanation, "reason", text(decision, "reason", null));
        if (reason != null) {
            lines.add("  reason: " + reason);
        }
        if (explanation.path("policy").isObject()) {
            lines.add("  policy: " + policy(explanation.path("policy")));
        }
        lines.addAll(inputs(explanation.path("inputs")));
        lines.addAll(approval(decision));
        String execution = text(decision, "execution", null);
        if (execution != null) {
            String detail = text(decision, "executionDetail", null);
            lines.add("  execution (deploy-service): " + execution + (detail == null ? "" : " - " + detail));
        }
        return lines;
    }

    /** {@code policy production v3 → mode approval, approvalTimeout PT15M, …}: the sources, then every value. */
    public static String policy(JsonNode policy) {
        StringBuilder text = new StringBuilder(sources(policy.path("sources"))).append(" → ");
        List<String> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = policy.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("sources")) {
                values.add(field.getKey() + " " + value(field.getValue()));
            }
        }
        return text.append(String.join(", ", values)).toString();
    }

    /** {@code environment production v3 + service checkout/production v1}, or {@code no stored policy (defaults)}. */
    public static String sources(JsonNode sources) {
        List<String> names = new ArrayList<>();
        for (JsonNode source : sources) {
            String service = text(source, "service", null);
            String environment = text(source, "environment", "?");
            names.add(text(source, "scope", service == null ? "environment" : "service") + " "
                    + (service == null ? environment : service + "/" + environment) + " v" + text(source, "version", "?"));
        }
        return names.isEmpty() ? "no stored policy (defaults)" : String.join(" + ", names);
    }

    /** What the rule looked at: the trigger and its evidence, the storm guard, the freeze window, then the rest. */
    static List<String> inputs(JsonNode inputs) {
        List<String> lines = new ArrayList<>();
        if (!inputs.isObject()) {
            return lines;
        }
        String trigger = text(inputs, "trigger", null);
        if (trigger != null) {
            List<String> ids = new ArrayList<>();
            if (inputs.hasNonNull("anomalyId")) {
                ids.add("anomaly " + inputs.path("anomalyId").asText());
            }
            if (inputs.hasNonNull("analysisId")) {
                ids.add("analysis " + inputs.path("analysisId").asText());
            }
            lines.add("  trigger: " + trigger + (ids.isEmpty() ? "" : " (" + String.join(", ", ids) + ")"));
        }
        if (inputs.hasNonNull("evidence")) {
            lines.add("  evidence: " + value(inputs.path("evidence")));
        }
        JsonNode storm = inputs.path("stormGuard");
        if (storm.isObject()) {
            lines.add("  storm guard: " + text(storm, "count", "?") + " automatic rollback(s) of limit "
                    + text(storm, "limit", "?") + " within " + text(storm, "window", "?") + " (since "
                    + text(storm, "since", "?") + ")");
        }
        JsonNode freeze = inputs.path("freezeWindow");
        if (!freeze.isMissingNode() && !freeze.isNull()) {
            lines.add("  freeze window: " + freezeWindow(freeze));
        }
        List<String> others = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = inputs.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!WORDED_INPUTS.contains(field.getKey()) && !field.getValue().isNull()) {
                others.add(field.getKey() + " " + value(field.getValue()));
            }
        }
        if (!others.isEmpty()) {
            lines.add("  inputs: " + String.join(", ", others));
        }
        return lines;
    }

    /**
     * The approval's deadline, escalation and who settled it, when, why (from {@code approval}, else the decision's
     * own {@code settledBy} / {@code settleReason}, as a {@code decided} event carries them).
     */
    static List<String> approval(JsonNode decision) {
        List<String> lines = new ArrayList<>();
        JsonNode approval = decision.path("approval");
        List<String> parts = new ArrayList<>();
        if (approval.hasNonNull("deadline")) {
            parts.add("deadline " + approval.path("deadline").asText());
        }
        if (approval.hasNonNull("escalatedAt")) {
            parts.add("escalated at " + approval.path("escalatedAt").asText());
        }
        String settledBy = text(approval, "settledBy", text(decision, "settledBy", null));
        String settleReason = text(approval, "settleReason", text(decision, "settleReason", null));
        String state = text(decision, "decision", "");
        if (settledBy != null) {
            parts.add("settled by " + settledBy
                    + (approval.hasNonNull("settledAt") ? " at " + approval.path("settledAt").asText() : "")
                    + (settleReason == null ? "" : ": \"" + settleReason + "\""));
        }
        if (state.equals("AWAITING_APPROVAL") || (state.equals("HELD") && approval.isObject())) {
            parts.add("waiting for an answer: ./lifeguard rollback approve|reject " + text(decision, "id", "<id>"));
        }
        if (!parts.isEmpty()) {
            lines.add("  approval: " + String.join("; ", parts));
        }
        return lines;
    }

    /** {@code 2026-12-24T00:00:00Z → 2026-12-27T00:00:00Z (holidays)}, or the cron shape. */
    public static String freezeWindow(JsonNode window) {
        if (!window.isObject()) {
            return window.asText();
        }
        String reason = text(window, "reason", null);
        String when = window.hasNonNull("cron")
                ? "cron \"" + window.path("cron").asText() + "\" for " + text(window, "duration", "?") + " ("
                + text(window, "zone", "UTC") + ")"
                : text(window, "from", "?") + " → " + text(window, "to", "?");
        return when + (reason == null ? "" : " (" + reason + ")");
    }

    /** A JSON value in a line: text as is, null as none, arrays and objects compact. */
    public static String value(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "none";
        }
        if (value.isArray()) {
            if (value.isEmpty()) {
                return "none";
            }
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isObject() && (item.has("from") || item.has("cron"))
                    ? freezeWindow(item) : value(item)));
            return "[" + String.join("; ", items) + "]";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? fallback : value.asText();
    }
}
