package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/** rollback-service's {@code lifeguard-rollback.requested}; {@code decisionId} is its subject id. */
public record RollbackRequested(String decisionId, String fromVersion, String toVersion, String reason)
        implements EventDetails {

    static RollbackRequested from(CdEvent event) {
        JsonNode document = event.document();
        return new RollbackRequested(
                CdEvent.requiredText(document, "/subject/id"),
                CdEvent.requiredText(document, "/subject/content/fromVersion"),
                CdEvent.requiredText(document, "/subject/content/toVersion"),
                CdEvent.textOrNull(event.content().get("reason")));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ROLLBACK_REQUESTED;
    }
}
