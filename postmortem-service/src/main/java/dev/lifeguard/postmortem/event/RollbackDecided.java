package dev.lifeguard.postmortem.event;

import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/**
 * rollback-service's {@code lifeguard-rollback.decided}: a decision, or a change of one ({@code previousDecision} set:
 * approved or rejected by {@code settledBy} for {@code settleReason}, or settled by "timeout").
 */
public record RollbackDecided(DecisionSubject subject, String previousDecision, String settledBy, String settleReason)
        implements DecisionEvent {

    /** Who settles a decision whose approval timed out. */
    public static final String SETTLED_BY_TIMEOUT = "timeout";

    static RollbackDecided from(CdEvent event) {
        String path = "/subject/content/previousDecision";
        return new RollbackDecided(DecisionSubject.read(event),
                DecisionSubject.decision(CdEvent.textOrNull(event.content().get("previousDecision")), path),
                CdEvent.textOrNull(event.content().get("settledBy")),
                CdEvent.textOrNull(event.content().get("settleReason")));
    }

    public boolean isChange() {
        return previousDecision != null;
    }

    /** Settled by a person (approved or rejected), not by the approval timeout. */
    public boolean settledByPerson() {
        return settledBy != null && !SETTLED_BY_TIMEOUT.equals(settledBy)
                && ("APPROVED".equals(subject.decision()) || "REJECTED".equals(subject.decision()));
    }

    public boolean settledByTimeout() {
        return SETTLED_BY_TIMEOUT.equals(settledBy);
    }

    /**
     * A decision that rolls back automatically or by hand is not shown twice: its rollback-requested entry carries the
     * same rule and reason. Every other outcome, and every change of one, is its own entry.
     */
    @Override
    public TimelineKind kind() {
        if ("ROLL_BACK".equals(subject.decision()) || "MANUAL".equals(subject.decision())) {
            return TimelineKind.DECIDED_TO_ROLL_BACK;
        }
        return isChange() ? TimelineKind.ROLLBACK_DECISION_CHANGED : TimelineKind.ROLLBACK_DECIDED;
    }
}
