package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/** deploy-service's {@code service.deployed} / {@code service.upgraded}. */
public record DeploymentEvent(CloudEvent cloudEvent, String service, String environment, String version,
                              String previousVersion, String commit, String changeUrl, String deploymentId)
        implements NotifiableEvent {
}
