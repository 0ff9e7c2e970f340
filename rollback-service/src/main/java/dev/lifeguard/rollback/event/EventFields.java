package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.EventTarget;
import dev.lifeguard.support.event.MalformedEventException;

/** Checks on fields of incoming events; each failure names the field and dead-letters the record. */
final class EventFields {

    private EventFields() {
    }

    static String name(JsonNode document, String pointer) {
        return EventTarget.requireName(pointer, CdEvent.requiredText(document, pointer));
    }

    static String text(JsonNode document, String pointer, int maxLength) {
        return checkLength(pointer, CdEvent.requiredText(document, pointer), maxLength);
    }

    static String optionalText(JsonNode document, String pointer, int maxLength) {
        String value = CdEvent.textOrNull(document.at(pointer));
        return value == null ? null : checkLength(pointer, value, maxLength);
    }

    private static String checkLength(String pointer, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw new MalformedEventException("field '" + pointer + "' must be at most " + maxLength + " characters");
        }
        return value;
    }
}
