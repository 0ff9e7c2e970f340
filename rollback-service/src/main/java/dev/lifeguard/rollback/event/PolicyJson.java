package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.PolicySettings;

import java.time.Duration;
import java.util.List;

/**
 * Policies as JSON: the effective policy as events explain it ({@code explanation.policy}) and
 * {@code GET /api/v1/policies/effective} shows it, a stored policy's body, and freeze windows.
 */
public final class PolicyJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private PolicyJson() {
    }

    /**
     * The {@code explanation.policy} object: every field with the value that applied ({@code cooldown} and
     * {@code maxRollbacksPerHour} null when there is none), and the stored policies it came from.
     */
    public static ObjectNode effective(EffectivePolicy policy) {
        ObjectNode json = JSON.objectNode();
        ArrayNode sources = json.putArray("sources");
        for (EffectivePolicy.Source source : policy.sources()) {
            sources.addObject()
                    .put("scope", source.scope())
                    .put("environment", source.environment())
                    .put("service", source.service())
                    .put("version", source.version());
        }
        json.put("mode", policy.mode().wire());
        json.put("onInconclusive", policy.onInconclusive().wire());
        json.put("cooldown", iso(policy.cooldown()));
        json.put("maxRollbacksPerHour", policy.maxRollbacksPerHour());
        json.set("freezeWindows", windows(policy.freezeWindows()));
        json.put("dryRun", policy.dryRun());
        json.put("approvalTimeout", iso(policy.approvalTimeout()));
        json.put("onApprovalTimeout", policy.onApprovalTimeout().wire());
        json.put("escalationTeam", policy.escalationTeam());
        json.put("maxDepth", policy.maxDepth());
        return json;
    }

    /** A stored policy's body: only the fields it sets, in the canonical form (ISO-8601 durations and instants). */
    public static ObjectNode settings(PolicySettings settings) {
        ObjectNode json = JSON.objectNode();
        if (settings.mode() != null) {
            json.put("mode", settings.mode().wire());
        }
        if (settings.onInconclusive() != null) {
            json.put("onInconclusive", settings.onInconclusive().wire());
        }
        if (settings.cooldown() != null) {
            json.put("cooldown", iso(settings.cooldown()));
        }
        if (settings.maxRollbacksPerHour() != null) {
            json.put("maxRollbacksPerHour", settings.maxRollbacksPerHour());
        }
        if (settings.freezeWindows() != null) {
            json.set("freezeWindows", windows(settings.freezeWindows()));
        }
        if (settings.dryRun() != null) {
            json.put("dryRun", settings.dryRun());
        }
        if (settings.approvalTimeout() != null) {
            json.put("approvalTimeout", iso(settings.approvalTimeout()));
        }
        if (settings.onApprovalTimeout() != null) {
            json.put("onApprovalTimeout", settings.onApprovalTimeout().wire());
        }
        if (settings.escalationTeam() != null) {
            json.put("escalationTeam", settings.escalationTeam());
        }
        if (settings.maxDepth() != null) {
            json.put("maxDepth", settings.maxDepth());
        }
        return json;
    }

    /**
     * A window as configured: {@code {from, to}} or {@code {cron, duration, zone}}, with its {@code reason} when it
     * has one.
     */
    public static ObjectNode window(FreezeWindow window) {
        ObjectNode json = JSON.objectNode();
        if (window.isRecurring()) {
            json.put("cron", window.cron());
            json.put("duration", iso(window.duration()));
            json.put("zone", window.zone().getId());
        } else {
            json.put("from", window.from().toString());
            json.put("to", window.to().toString());
        }
        if (window.reason() != null) {
            json.put("reason", window.reason());
        }
        return json;
    }

    /**
     * The {@code inputs.freezeWindow} object: the window in force as configured, with {@code from}/{@code to} of
     * the occurrence in force (the same as configured for a fixed window).
     */
    public static ObjectNode activeWindow(FreezeWindow window, FreezeWindow.Occurrence occurrence) {
        return window(window)
                .put("from", occurrence.from().toString())
                .put("to", occurrence.to().toString());
    }

    private static ArrayNode windows(List<FreezeWindow> windows) {
        ArrayNode json = JSON.arrayNode();
        windows.forEach(window -> json.add(window(window)));
        return json;
    }

    private static String iso(Duration duration) {
        return duration == null ? null : duration.toString();
    }
}
