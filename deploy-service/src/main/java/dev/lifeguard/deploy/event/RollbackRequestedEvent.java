package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;

/** Tolerant read of rollback-service's {@code lifeguard-rollback.requested} event. */
public record RollbackRequestedEvent(String eventId, String chainId, String rollbackId, String deploymentId,
                                     String service, String environment, String fromVersion, String toVersion,
                                     String reason) {

    public static RollbackRequestedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        return new RollbackRequestedEvent(event.id(), event.chainId(),
                CdEvent.requiredText(document, "/subject/id"),
                CdEvent.requiredText(document, "/subject/content/deploymentId"),
                CdEvent.requiredText(document, "/subject/content/service"),
                CdEvent.requiredText(document, "/subject/content/environment"),
                CdEvent.requiredText(document, "/subject/content/fromVersion"),
                CdEvent.requiredText(document, "/subject/content/toVersion"),
                CdEvent.requiredText(document, "/subject/content/reason"));
    }
}
