package dev.lifeguard.support.rest;

import dev.lifeguard.support.event.EventTarget;

/** Checks for request fields; each failure names the field it is about. */
public final class Fields {

    private Fields() {
    }

    public static String requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(field, "field '" + field + "' is required");
        }
        return value.trim();
    }

    public static String requireName(String field, String value) {
        String text = requireText(field, value);
        if (!EventTarget.isValidName(text)) {
            throw ProblemException.invalidField(field, "field '" + field + "' must be " + EventTarget.NAME_RULE);
        }
        return text;
    }

    public static String optionalName(String field, String value) {
        return value == null || value.isBlank() ? null : requireName(field, value);
    }
}
