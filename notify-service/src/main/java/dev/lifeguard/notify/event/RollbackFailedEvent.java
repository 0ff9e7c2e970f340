package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * deploy-service's {@code lifeguard-rollback.failed}: the executor gave up after its retries, so {@code fromVersion}
 * still runs. {@code toVersion} is null when no version to go back to was found; {@code executor} is null when none
 * was called; {@code attempts} is null when the event does not say.
 */
public record RollbackFailedEvent(CloudEvent cloudEvent, String service, String environment, String rollbackId,
                                  String fromVersion, String toVersion, String reason, String executor, String detail,
                                  Integer attempts) implements NotifiableEvent {
}
