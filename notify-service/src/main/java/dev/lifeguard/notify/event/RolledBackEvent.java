package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/** deploy-service's {@code service.rolledback}: {@code toVersion} runs again. */
public record RolledBackEvent(CloudEvent cloudEvent, String service, String environment, String fromVersion,
                              String toVersion, String reason, String rollbackId) implements NotifiableEvent {
}
