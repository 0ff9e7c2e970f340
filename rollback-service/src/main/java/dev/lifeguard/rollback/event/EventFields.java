package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.regex.Pattern;

/** Checks on fields of incoming events; each failure names the field and dead-letters the record. */
final class EventFields {

    /** Service and environment names end up in Kafka keys and REST filters, as in the REST API. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private EventFields() {
    }

    static String name(JsonNode document, String pointer) {
        String value = CdEvent.requiredText(document, pointer);
        if (!NAME.matcher(value).matches()) {
            throw new MalformedEventException("field '" + pointer
                    + "' must be 1-100 letters, digits, '.', '_' or '-': '" + value + "'");
        }
        return value;
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
