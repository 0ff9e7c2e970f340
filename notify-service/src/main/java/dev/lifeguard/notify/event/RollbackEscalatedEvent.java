package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/**
 * rollback-service's {@code lifeguard-rollback.escalated}: the decision goes to {@code escalationTeam} because its
 * approval timed out ({@value #APPROVAL_TIMEOUT}) or the version a rollback restored failed too
 * ({@value #DEPTH_GUARD}); {@code then} says what rollback-service does next (rollback or hold). Any of the three
 * may be missing; without {@code escalationTeam} the policy's is the team. The team is kept as sent: the words name
 * it even when it is no team name notify-service could route to.
 */
public record RollbackEscalatedEvent(CloudEvent cloudEvent, String service, String environment, DecisionFacts facts,
                                     String escalationTeam, String escalatedBecause, String then)
        implements RollbackDecisionEvent {

    public static final String APPROVAL_TIMEOUT = "approval-timeout";
    public static final String DEPTH_GUARD = "depth-guard";
    public static final String THEN_ROLLBACK = "rollback";
}
