package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * deploy-service's {@code lifeguard-rollback.accepted}: the rollback is in someone else's hands. With the
 * {@value #MANUAL_EXECUTOR} executor a person must carry it out and report it at {@code completeUrl}; with any other
 * executor the CD tool accepted it and its {@code service.rolledback} completes it.
 */
public record RollbackAcceptedEvent(CloudEvent cloudEvent, String service, String environment, String rollbackId,
                                    String fromVersion, String toVersion, String reason, String executor,
                                    String detail, String completeUrl) implements NotifiableEvent {

    public static final String MANUAL_EXECUTOR = "manual";

    /** True when nothing happens until a person rolls back by hand. */
    public boolean waitsForAPerson() {
        return MANUAL_EXECUTOR.equals(executor);
    }
}
