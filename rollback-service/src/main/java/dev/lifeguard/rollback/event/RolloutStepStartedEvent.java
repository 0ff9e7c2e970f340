package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;

/**
 * Tolerant read of deploy-service's {@code lifeguard-rollout.step-started}: which deployment is rolling out beside
 * which stable version ({@code stableVersion}: where a failed step goes back to), with which strategy, at which step
 * and share of traffic. The CloudEvent {@code time} is when the step began.
 */
public record RolloutStepStartedEvent(String eventId, String chainId, String deploymentId, String service,
                                      String environment, String version, String stableVersion, String strategy,
                                      int stepIndex, int weight, OffsetDateTime time) {

    private static final String CONTENT = "/subject/content/";

    public static RolloutStepStartedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        return new RolloutStepStartedEvent(event.id(), event.chainId(),
                EventFields.text(document, CONTENT + "deploymentId", 200),
                EventFields.name(document, CONTENT + "service"),
                EventFields.name(document, CONTENT + "environment"),
                EventFields.text(document, CONTENT + "version", 200),
                EventFields.optionalText(document, CONTENT + "stableVersion", 200),
                EventFields.optionalText(document, CONTENT + "strategy/type", 20),
                integer(document, CONTENT + "stepIndex", -1, Integer.MAX_VALUE),
                integer(document, CONTENT + "weight", 0, 100),
                event.time());
    }

    private static int integer(JsonNode document, String pointer, int min, int max) {
        JsonNode node = document.at(pointer);
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw new MalformedEventException("field '" + pointer + "' must be an integer from " + min + " to " + max);
        }
        return node.intValue();
    }
}
