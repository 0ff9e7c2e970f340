package dev.lifeguard.monitor.event;

import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;

import java.time.OffsetDateTime;

/** Tolerant read of deploy-service's {@code service.rolledback}: which deployment was taken out, and when. */
public record DeploymentRolledBackEvent(String eventId, String rolledBackDeploymentId, OffsetDateTime rolledBackAt) {

    public static DeploymentRolledBackEvent from(CloudEvent event) {
        return new DeploymentRolledBackEvent(event.id(),
                CdEvent.requiredText(event.cdEvent().document(), "/customData/deploymentId"),
                event.time());
    }
}
