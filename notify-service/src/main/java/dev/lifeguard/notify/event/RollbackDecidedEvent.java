package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

import java.util.Set;

/**
 * rollback-service's {@code lifeguard-rollback.decided}: a decision, or a change of one ({@code previousDecision} set,
 * {@code settledBy} a person or {@value #SETTLED_BY_TIMEOUT}).
 */
public record RollbackDecidedEvent(CloudEvent cloudEvent, String service, String environment, DecisionFacts facts,
                                   Decision previousDecision, String settledBy, String settleReason)
        implements RollbackDecisionEvent {

    public static final String SETTLED_BY_TIMEOUT = "timeout";

    /** Rules whose hold also publishes {@code escalated}, which tells the same people, louder. */
    private static final Set<String> ESCALATING_RULES = Set.of("approval-timeout", "depth-guard");

    /**
     * Told: a hold, a dry run, an approval or a rejection. Not told: ROLL_BACK and MANUAL (the rollback request is
     * told), AWAITING_APPROVAL (approval-requested asks the team), SKIPPED (nothing happens and notify has no level
     * below normal for "for the record only"), and a hold that escalates (escalated is the message).
     */
    @Override
    public boolean worthTelling() {
        return switch (facts.decision()) {
            case HELD -> !ESCALATING_RULES.contains(facts.rule());
            case DRY_RUN, APPROVED, REJECTED -> true;
            case ROLL_BACK, MANUAL, AWAITING_APPROVAL, SKIPPED -> false;
        };
    }

    /** A change of a decision that waited for a person: approved, rejected, or settled by the timeout. */
    public boolean settlement() {
        return previousDecision != null;
    }

    /** Settled by a person rather than by the approval timeout. */
    public boolean settledByAPerson() {
        return settlement() && facts.decision().settlesAnApproval();
    }
}
