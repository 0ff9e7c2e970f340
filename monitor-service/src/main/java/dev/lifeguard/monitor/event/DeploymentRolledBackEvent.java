package dev.lifeguard.monitor.event;

import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;

import java.time.OffsetDateTime;

/**
 * Tolerant read of deploy-service's {@code service.rolledback}: which deployment was taken out, of which
 * service/environment, and when. The target lets a rollback that arrives before its deployment be kept under
 * the same lock as everything else that changes that target's verification.
 */
public record DeploymentRolledBackEvent(String eventId, String rolledBackDeploymentId, String service,
                                        String environment, OffsetDateTime rolledBackAt) {

    public static DeploymentRolledBackEvent from(CloudEvent event) {
        EventTarget target = EventTarget.of(event);
        return new DeploymentRolledBackEvent(event.id(),
                CdEvent.requiredText(event.cdEvent().document(), "/customData/deploymentId"),
                target.service(), target.environment(), event.time());
    }
}
