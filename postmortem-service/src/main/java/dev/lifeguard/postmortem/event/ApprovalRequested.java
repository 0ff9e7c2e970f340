package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * rollback-service's {@code lifeguard-rollback.approval-requested}: the decision waits for a person until
 * {@code deadline}; then it is escalated to {@code escalationTeam} and {@code onTimeout} (rollback or hold) applies.
 */
public record ApprovalRequested(DecisionSubject subject, OffsetDateTime deadline, String timeout, String onTimeout,
                                String escalationTeam, String approveUrl, String rejectUrl) implements DecisionEvent {

    static ApprovalRequested from(CdEvent event) {
        JsonNode approval = event.content().path("approval");
        String deadlinePath = "/subject/content/approval/deadline";
        String deadline = CdEvent.requiredText(event.document(), deadlinePath);
        try {
            return new ApprovalRequested(DecisionSubject.read(event), OffsetDateTime.parse(deadline),
                    CdEvent.requiredText(event.document(), "/subject/content/approval/timeout"),
                    DecisionExplanation.text(approval, "onTimeout"),
                    DecisionExplanation.text(approval, "escalationTeam"),
                    DecisionExplanation.text(approval, "approveUrl"),
                    DecisionExplanation.text(approval, "rejectUrl"));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("field '" + deadlinePath + "' is not an RFC 3339 timestamp: '"
                    + deadline + "'", e);
        }
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.APPROVAL_REQUESTED;
    }
}
