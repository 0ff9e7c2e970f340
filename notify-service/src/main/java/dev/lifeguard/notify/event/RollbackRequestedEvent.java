package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/** rollback-service's {@code lifeguard-rollback.requested}. */
public record RollbackRequestedEvent(CloudEvent cloudEvent, String service, String environment, String fromVersion,
                                     String toVersion, String reason, String rollbackId)
        implements NotifiableEvent {
}
