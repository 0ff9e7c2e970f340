package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * deploy-service's {@code service.rolledback}: {@code toVersion} runs again. {@code reportedBy} says who did it:
 * {@code executor} (Lifeguard's executor, also when absent), {@code ci} (someone used their CD tool and CI reported
 * it) or {@code person} (reported by hand at the rollback's complete URL). {@code rolloutAborted}: the end of an
 * aborted rollout, whose new version only ever had part of the traffic.
 */
public record RolledBackEvent(CloudEvent cloudEvent, String service, String environment, String fromVersion,
                              String toVersion, String reason, String rollbackId, String executor, String reportedBy,
                              boolean rolloutAborted)
        implements NotifiableEvent {

    public static final String REPORTED_BY_CI = "ci";
    public static final String REPORTED_BY_PERSON = "person";
}
