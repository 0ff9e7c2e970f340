package dev.lifeguard.postmortem.event;

import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/**
 * rollback-service's {@code lifeguard-rollback.escalated}: the decision went to {@code escalationTeam} because its
 * approval timed out or the version a rollback restored failed too ({@code because} approval-timeout, depth-guard);
 * {@code then} (rollback, hold) is what rollback-service does next.
 */
public record RollbackEscalated(DecisionSubject subject, String escalationTeam, String because, String then)
        implements DecisionEvent {

    public static final String BECAUSE_APPROVAL_TIMEOUT = "approval-timeout";

    static RollbackEscalated from(CdEvent event) {
        return new RollbackEscalated(DecisionSubject.read(event),
                CdEvent.textOrNull(event.content().get("escalationTeam")),
                CdEvent.requiredText(event.document(), "/subject/content/escalatedBecause"),
                CdEvent.requiredText(event.document(), "/subject/content/then"));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ESCALATED;
    }
}
