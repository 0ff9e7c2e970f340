package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/** rollback-service's {@code lifeguard-rollback.approval-requested}: a decision waits for a person. */
public record ApprovalRequestedEvent(CloudEvent cloudEvent, String service, String environment, DecisionFacts facts,
                                     Approval approval) implements RollbackDecisionEvent {

    /**
     * By when ({@code deadline}, RFC 3339), after how long ({@code timeout}, ISO-8601), what happens then
     * ({@code onTimeout} rollback or hold) and who is told; any of it may be missing. The URLs are paths on
     * rollback-service.
     */
    public record Approval(String deadline, String timeout, String onTimeout, String escalationTeam,
                           String approveUrl, String rejectUrl) {
    }
}
