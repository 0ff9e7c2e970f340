package dev.lifeguard.notify.service;

import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.notify.event.Decision;

import java.util.Optional;

/**
 * What notify-service knew before an event arrived, so that its words fit what already happened: how the event's
 * rollback ended (a request read after its outcome), how its decision was settled (an approval request read after
 * the approval), and whether an escalation team has anyone listening.
 */
public record Hindsight(Optional<RollbackOutcome.Kind> rollbackEnd, Optional<Settled> settled,
                        boolean escalationTeamListens) {

    /** Nothing known: the event is news. */
    public static final Hindsight NONE = new Hindsight(Optional.empty(), Optional.empty(), true);

    public static Hindsight rollbackEnded(Optional<RollbackOutcome.Kind> end) {
        return new Hindsight(end, Optional.empty(), true);
    }

    /** A settled decision: approved or rejected by {@code by}, or held / rolled back by the approval timeout. */
    public record Settled(Decision decision, String by, String reason) {

        public boolean byAPerson() {
            return decision.settlesAnApproval();
        }
    }
}
