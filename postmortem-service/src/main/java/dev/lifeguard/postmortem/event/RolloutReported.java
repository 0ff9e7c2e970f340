package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * deploy-service's {@code lifeguard-rollout.*}: a deployment held at the redeploy gate or released from it, or a step
 * of its progressive rollout (a step started, paused, promoted to all traffic, aborted). The deployment id and the
 * version are required; the rest may be missing. {@code stepIndex} is 0-based, -1 before the first step;
 * {@code fixes} names the incidents the deployment says it fixes.
 */
public record RolloutReported(Kind rolloutKind, String deploymentId, String version, String stableVersion,
                              String strategyType, Integer stepIndex, Integer stepCount, Integer weight,
                              List<String> fixes, String requestedBy, String reason, List<String> requiredSuites,
                              String releasedBy, String evidence, String stepKind, Integer stepWeight,
                              String stepDuration, String analysisId, String pausedBy, String promotedBy,
                              String previousVersion, String abortedBy, String rollbackId) implements EventDetails {

    public RolloutReported {
        fixes = List.copyOf(fixes);
        requiredSuites = List.copyOf(requiredSuites);
    }

    static RolloutReported from(CdEvent event, Kind kind) {
        JsonNode document = event.document();
        JsonNode content = event.content();
        JsonNode step = content.path("step");
        String deploymentId = CdEvent.textOrNull(content.get("deploymentId"));
        return new RolloutReported(kind,
                deploymentId != null ? deploymentId : CdEvent.requiredText(document, "/subject/id"),
                CdEvent.requiredText(document, "/subject/content/version"),
                text(content, "stableVersion"),
                text(content.path("strategy"), "type"),
                integer(content, "stepIndex"), integer(content, "stepCount"), integer(content, "weight"),
                texts(content.path("fixes")), text(content, "requestedBy"), text(content, "reason"),
                texts(content.path("requiredSuites")), text(content, "releasedBy"),
                evidence(content.path("evidence")),
                kind == Kind.STEP_STARTED ? CdEvent.requiredText(document, "/subject/content/step/kind")
                        : text(step, "kind"),
                integer(step, "weight"), text(step, "duration"), text(content.path("analysis"), "analysisId"),
                text(content, "pausedBy"), text(content, "promotedBy"), text(content, "previousVersion"),
                text(content, "abortedBy"), text(content, "rollbackId"));
    }

    /** Whether the new version takes traffic from this event on: a set-weight step above 0, or the promotion. */
    public boolean takesTraffic() {
        return rolloutKind == Kind.PROMOTED || rolloutKind == Kind.STEP_STARTED && "set-weight".equals(stepKind)
                && (stepWeight != null ? stepWeight : weight != null ? weight : 0) > 0;
    }

    @Override
    public TimelineKind kind() {
        return rolloutKind.timelineKind;
    }

    /** "412 passed, 0 failed (unit, integration, e2e)", or null when no evidence is given. */
    private static String evidence(JsonNode evidence) {
        if (!evidence.isObject()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        Integer passed = integer(evidence, "passed");
        Integer failed = integer(evidence, "failed");
        if (passed != null) {
            parts.add(passed + " passed");
        }
        if (failed != null) {
            parts.add(failed + " failed");
        }
        List<String> suites = texts(evidence.path("suites"));
        String counts = String.join(", ", parts);
        if (suites.isEmpty()) {
            return counts.isEmpty() ? null : counts;
        }
        return counts.isEmpty() ? "suites " + String.join(", ", suites)
                : counts + " (" + String.join(", ", suites) + ")";
    }

    private static String text(JsonNode node, String field) {
        return CdEvent.textOrNull(node.get(field));
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> {
            String text = CdEvent.textOrNull(item);
            if (text != null) {
                texts.add(text);
            }
        });
        return texts;
    }

    public enum Kind {
        GATED("gated", TimelineKind.ROLLOUT_GATED),
        RELEASED("released", TimelineKind.ROLLOUT_RELEASED),
        STEP_STARTED("step-started", TimelineKind.ROLLOUT_STEP),
        PAUSED("paused", TimelineKind.ROLLOUT_PAUSED),
        PROMOTED("promoted", TimelineKind.ROLLOUT_PROMOTED),
        ABORTED("aborted", TimelineKind.ROLLOUT_ABORTED);

        private final String typeName;
        private final TimelineKind timelineKind;

        Kind(String typeName, TimelineKind timelineKind) {
            this.typeName = typeName;
            this.timelineKind = timelineKind;
        }

        /** The kind of a {@code dev.cdeventsx.lifeguard-rollout.<name>.<version>} type, or null. */
        static Kind ofType(String type) {
            if (!type.startsWith(EventTypes.ROLLOUT_PREFIX)) {
                return null;
            }
            String rest = type.substring(EventTypes.ROLLOUT_PREFIX.length());
            for (Kind kind : values()) {
                if (rest.startsWith(kind.typeName + ".")) {
                    return kind;
                }
            }
            return null;
        }
    }
}
