package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * rollback-service's {@code lifeguard-rollback.requested}. {@code decision} (ROLL_BACK, APPROVED, MANUAL) and
 * {@code explanation} are null when the event does not carry them (older producers).
 */
public record RollbackRequestedEvent(CloudEvent cloudEvent, String service, String environment, String fromVersion,
                                     String toVersion, String reason, String rollbackId, Decision decision,
                                     Explanation explanation)
        implements NotifiableEvent {
}
