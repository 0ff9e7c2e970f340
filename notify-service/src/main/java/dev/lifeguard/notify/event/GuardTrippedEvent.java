package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * rollback-service's {@code lifeguard-rollback.guard-tripped}: the environment reached its policy's
 * {@code maxRollbacksPerHour}; automatic rollbacks there need approval until the window has passed. The counts may be
 * missing (the message says less).
 */
public record GuardTrippedEvent(CloudEvent cloudEvent, String service, String environment, DecisionFacts facts,
                                Integer count, Integer limit, String window, String since)
        implements RollbackDecisionEvent {
}
