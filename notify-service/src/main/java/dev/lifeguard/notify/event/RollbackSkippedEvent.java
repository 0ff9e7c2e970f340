package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * deploy-service's {@code lifeguard-rollback.skipped}: a requested rollback was not carried out ({@code detail} says
 * why: nothing newer to roll back from, already on the target, superseded, no rollback target).
 */
public record RollbackSkippedEvent(CloudEvent cloudEvent, String service, String environment, String rollbackId,
                                   String fromVersion, String toVersion, String reason, String executor,
                                   String detail) implements NotifiableEvent {
}
