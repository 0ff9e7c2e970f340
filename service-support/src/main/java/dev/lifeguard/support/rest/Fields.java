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

    /**
     * A page size given as text: JAX-RS would answer an unconvertible query parameter with 404, not with a
     * problem naming it. Absent means {@code fallback}.
     */
    public static int limit(String field, String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range number
        }
        throw ProblemException.invalidField(field, "field '" + field + "' must be a whole number from 1 to " + max);
    }
}
