package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/**
 * rollback-service's {@code lifeguard-rollback.requested}; {@code decisionId} is its subject id. {@code decision}
 * (ROLL_BACK, APPROVED, MANUAL) and {@code explanation} are null from a rollback-service that did not send them.
 */
public record RollbackRequested(String decisionId, String fromVersion, String toVersion, String reason,
                                String decision, boolean manual, DecisionExplanation explanation)
        implements EventDetails {

    static RollbackRequested from(CdEvent event) {
        JsonNode document = event.document();
        String decisionPath = "/subject/content/decision";
        return new RollbackRequested(
                CdEvent.requiredText(document, "/subject/id"),
                CdEvent.requiredText(document, "/subject/content/fromVersion"),
                CdEvent.requiredText(document, "/subject/content/toVersion"),
                CdEvent.textOrNull(event.content().get("reason")),
                DecisionSubject.decision(CdEvent.textOrNull(event.content().get("decision")), decisionPath),
                event.content().path("manual").asBoolean(false),
                DecisionExplanation.read(event, false));
    }

    /** The decision as the request says it; absent means ROLL_BACK, or MANUAL for a manual request. */
    public String decisionOrDefault() {
        return decision != null ? decision : manual ? "MANUAL" : "ROLL_BACK";
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ROLLBACK_REQUESTED;
    }
}
