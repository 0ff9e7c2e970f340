package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;

import java.time.OffsetDateTime;

/**
 * Tolerant read of deploy-service's {@code service.rolledback}: which deployment was taken out, of which
 * service/environment, and when; and what runs again: {@code toVersion}, its artifact and (events since issue 7)
 * deploy-service's id of the restored deployment, whose analysis starts anew. Everything but the rolled-back
 * deployment may be missing in older events.
 */
public record DeploymentRolledBackEvent(String eventId, String chainId, String rolledBackDeploymentId, String service,
                                        String environment, OffsetDateTime rolledBackAt, String rollbackId,
                                        String toVersion, String restoredDeploymentId, String restoredArtifactId) {

    public static DeploymentRolledBackEvent from(CloudEvent event) {
        EventTarget target = EventTarget.of(event);
        JsonNode document = event.cdEvent().document();
        return new DeploymentRolledBackEvent(event.id(), event.chainId(),
                CdEvent.requiredText(document, "/customData/deploymentId"),
                target.service(), target.environment(), event.time(),
                CdEvent.textOrNull(document.at("/customData/rollbackId")),
                CdEvent.textOrNull(document.at("/customData/toVersion")),
                CdEvent.textOrNull(document.at("/customData/restoredDeploymentId")),
                CdEvent.textOrNull(document.at("/subject/content/artifactId")));
    }
}
