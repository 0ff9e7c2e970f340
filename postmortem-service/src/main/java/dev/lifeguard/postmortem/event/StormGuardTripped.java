package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

/**
 * rollback-service's {@code lifeguard-rollback.guard-tripped}: the environment had {@code count} automatic rollbacks
 * within {@code window} (since {@code since}), reaching its policy's {@code limit}; this decision is the first that
 * needs approval because of it.
 */
public record StormGuardTripped(DecisionSubject subject, int count, int limit, String window, String since)
        implements DecisionEvent {

    static StormGuardTripped from(CdEvent event) {
        return new StormGuardTripped(DecisionSubject.read(event), requiredInteger(event, "count"),
                requiredInteger(event, "limit"),
                CdEvent.requiredText(event.document(), "/subject/content/window"),
                CdEvent.textOrNull(event.content().get("since")));
    }

    private static int requiredInteger(CdEvent event, String field) {
        JsonNode value = event.content().path(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new MalformedEventException("missing or non-integer field '/subject/content/" + field + "'");
        }
        return value.intValue();
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.STORM_GUARD_TRIPPED;
    }
}
