package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CloudEvent;

/**
 * Tolerant read of deploy-service's {@code service.rolledback}: {@code deploymentId} was taken out for
 * {@code toVersion}. {@code rollbackId} is the decision it executed; null when CI reported a rollback made outside
 * Lifeguard, or from a deploy-service that does not say. {@code rolloutAborted}: the rollback aborted a rollout (traffic
 * back to the stable version that kept running), under deploy-service's own rollback id.
 */
public record ServiceRolledBackEvent(String eventId, String deploymentId, String service, String environment,
                                     String toVersion, String rollbackId, boolean rolloutAborted) {

    public ServiceRolledBackEvent(String eventId, String deploymentId, String service, String environment,
                                  String toVersion, String rollbackId) {
        this(eventId, deploymentId, service, environment, toVersion, rollbackId, false);
    }

    public static ServiceRolledBackEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        return new ServiceRolledBackEvent(event.id(),
                EventFields.text(document, "/customData/deploymentId", 200),
                EventFields.name(document, "/customData/service"),
                EventFields.name(document, "/customData/environment"),
                EventFields.text(document, "/customData/toVersion", 200),
                EventFields.optionalText(document, "/customData/rollbackId", 200),
                document.at("/customData/rolloutAborted").asBoolean(false));
    }
}
