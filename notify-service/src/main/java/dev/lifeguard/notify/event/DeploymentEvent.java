package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;

/**
 * deploy-service's {@code service.deployed} / {@code service.upgraded}. {@code strategyType} (canary, blue-green) is
 * set when the version reached all traffic through a rollout; {@code fixes} names the incidents it says it fixes.
 */
public record DeploymentEvent(CloudEvent cloudEvent, String service, String environment, String version,
                              String previousVersion, String commit, String changeUrl, String deploymentId,
                              String strategyType, List<String> fixes)
        implements NotifiableEvent {

    public DeploymentEvent {
        fixes = List.copyOf(fixes);
    }
}
