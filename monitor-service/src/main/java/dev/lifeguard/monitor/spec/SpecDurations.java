package dev.lifeguard.monitor.spec;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Spec durations: ISO-8601 ({@code PT10M}) or the short form operators write ({@code 90s}, {@code 10m}, {@code 1h}). */
public final class SpecDurations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})(ms|s|m|h|d)");

    private SpecDurations() {
    }

    public static Duration parse(String text, String field) {
        String trimmed = text == null ? "" : text.trim();
        Matcher shortForm = SHORT.matcher(trimmed);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new InvalidSpecException(field, "field '" + field + "' must be a duration like 10m, 90s, 1h or PT10M but was '"
                    + text + "'");
        }
    }

    /** The short form when it is exact, e.g. {@code 30m}; ISO-8601 otherwise. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
