package dev.lifeguard.support.rest;

import java.util.regex.Pattern;

/** Checks for request fields; each failure names the field it is about. */
public final class Fields {

    /** Service, environment and team names: they end up in Kafka keys and topic names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

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
        if (!NAME.matcher(text).matches()) {
            throw ProblemException.invalidField(field, "field '" + field
                    + "' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return text;
    }

    public static String optionalName(String field, String value) {
        return value == null || value.isBlank() ? null : requireName(field, value);
    }
}
