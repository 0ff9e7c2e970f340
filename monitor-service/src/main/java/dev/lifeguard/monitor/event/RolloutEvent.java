package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Tolerant read of deploy-service's {@code lifeguard-rollout.step-started|aborted|promoted}: the deployment and its
 * step, and for a step that asks for one, the analysis ({@code analysisId}, {@code window}: null for the target's spec
 * window). The CloudEvent {@code time} is when the step began, where its analysis window starts.
 */
public record RolloutEvent(Kind kind, String eventId, String chainId, String deploymentId, String service,
                           String environment, String version, String stableVersion, String artifactId, int stepIndex,
                           String analysisId, Duration window, String reason, OffsetDateTime at) {

    public enum Kind { STEP_STARTED, ABORTED, PROMOTED }

    private static final String CONTENT = "/subject/content/";

    public static RolloutEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        Kind kind = event.type().startsWith(EventTypes.ROLLOUT_STEP_STARTED) ? Kind.STEP_STARTED
                : event.type().startsWith(EventTypes.ROLLOUT_ABORTED) ? Kind.ABORTED : Kind.PROMOTED;
        if (event.time() == null) {
            throw new MalformedEventException("missing CloudEvent 'time' (when the rollout step began)");
        }
        JsonNode stepIndex = document.at(CONTENT + "stepIndex");
        if (!stepIndex.canConvertToInt()) {
            throw new MalformedEventException("missing or non-integer 'subject.content.stepIndex'");
        }
        JsonNode analysis = document.at(CONTENT + "analysis");
        String analysisId = null;
        Duration window = null;
        if (kind == Kind.STEP_STARTED && analysis.isObject()) {
            analysisId = CdEvent.requiredText(document, CONTENT + "analysis/analysisId");
            String windowText = CdEvent.textOrNull(analysis.get("window"));
            if (windowText != null) {
                try {
                    window = Duration.parse(windowText);
                } catch (DateTimeParseException e) {
                    throw new MalformedEventException("'subject.content.analysis.window' is not an ISO-8601 duration: "
                            + windowText);
                }
                if (window.isNegative() || window.isZero()) {
                    throw new MalformedEventException("'subject.content.analysis.window' must be positive: " + windowText);
                }
            }
        }
        return new RolloutEvent(kind, event.id(), event.chainId() != null ? event.chainId() : event.id(),
                CdEvent.requiredText(document, CONTENT + "deploymentId"),
                CdEvent.requiredText(document, CONTENT + "service"),
                CdEvent.requiredText(document, CONTENT + "environment"),
                CdEvent.requiredText(document, CONTENT + "version"),
                CdEvent.textOrNull(document.at(CONTENT + "stableVersion")),
                CdEvent.textOrNull(document.at(CONTENT + "artifactId")),
                stepIndex.asInt(), analysisId, window,
                CdEvent.textOrNull(document.at(CONTENT + "reason")), event.time());
    }

    /** A step that asks monitor-service for an analysis (a pause or a blue-green preview with {@code analysis}). */
    public boolean asksForAnalysis() {
        return analysisId != null;
    }
}
