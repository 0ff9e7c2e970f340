package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.ApprovalTimeoutAction;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.InconclusiveAction;
import dev.lifeguard.rollback.PolicyMode;
import dev.lifeguard.rollback.PolicySettings;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a policy body (a PUT's, or one stored earlier) into {@link PolicySettings}, checking every field; the first
 * wrong one is reported by name. Absent and null fields are not set (inherited).
 */
public final class PolicyBodies {

    /**
     * {@code by} names who changes the policy and {@code team} who owns it; the caller reads them, they are no
     * settings.
     */
    static final Set<String> FIELDS = Set.of("mode", "onInconclusive", "cooldown", "maxRollbacksPerHour",
            "freezeWindows", "dryRun", "approvalTimeout", "onApprovalTimeout", "escalationTeam", "maxDepth", "by",
            "team");
    private static final Set<String> WINDOW_FIELDS = Set.of("from", "to", "cron", "duration", "zone", "reason");

    static final int MAX_ROLLBACKS_PER_HOUR = 1000;
    static final int MAX_DEPTH = 5;
    static final int MAX_FREEZE_WINDOWS = 50;
    static final int MAX_REASON_LENGTH = 500;
    /** Longer cooldowns, approval timeouts and windows are more likely a slip (30d for 30m) than meant. */
    static final Duration MAX_DURATION = Duration.ofDays(31);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([smhd])");
    private static final Pattern TEAM = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private PolicyBodies() {
    }

    /**
     * @param serviceScope whether the body is a service's policy, which cannot set {@code maxRollbacksPerHour}
     * @throws InvalidPolicyException naming the first field that is unknown or wrong
     */
    public static PolicySettings read(JsonNode body, boolean serviceScope) {
        if (body == null || !body.isObject()) {
            throw new InvalidPolicyException("body", "the body must be a JSON object of policy fields");
        }
        refuseUnknown(body, FIELDS, "");
        Integer maxRollbacksPerHour = integer(body, "maxRollbacksPerHour", 1, MAX_ROLLBACKS_PER_HOUR);
        if (serviceScope && maxRollbacksPerHour != null) {
            throw new InvalidPolicyException("maxRollbacksPerHour", "field 'maxRollbacksPerHour' is the storm guard of"
                    + " a whole environment: set it on the environment's policy (/api/v1/policies/environments/{environment}),"
                    + " not on a service's");
        }
        return new PolicySettings(
                choice(body, "mode", PolicyMode::fromWire),
                choice(body, "onInconclusive", InconclusiveAction::fromWire),
                duration(body, "cooldown"),
                maxRollbacksPerHour,
                freezeWindows(body.get("freezeWindows")),
                bool(body, "dryRun"),
                duration(body, "approvalTimeout"),
                choice(body, "onApprovalTimeout", ApprovalTimeoutAction::fromWire),
                team(body, "escalationTeam"),
                integer(body, "maxDepth", 1, MAX_DEPTH));
    }

    /**
     * The body's {@code team}: the team that owns the policy, or null (absent or null) for the platform's.
     *
     * @throws InvalidPolicyException when it is no team name
     */
    public static String owningTeam(JsonNode body) {
        return body == null || !body.isObject() ? null : team(body, "team");
    }

    /**
     * A duration as ISO-8601 ({@code PT30M}, {@code P1D}) or a whole number with a unit: {@code 90s}, {@code 30m},
     * {@code 2h}, {@code 1d}.
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Duration parseDuration(String text) {
        String value = text.trim();
        Matcher shortForm = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be an ISO-8601 duration (PT30M) or a whole number with s, m, h"
                    + " or d (90s, 30m, 2h, 1d)", e);
        }
    }

    private static void refuseUnknown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidPolicyException(prefix + name, "unknown field '" + prefix + name + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String text(JsonNode object, String name, String field) {
        JsonNode node = present(object.get(name));
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be a non-empty string");
        }
        return node.asText().trim();
    }

    private static <T> T choice(JsonNode body, String field, Function<String, T> fromWire) {
        JsonNode node = present(body.get(field));
        if (node == null) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return fromWire.apply(node.asText());
            }
            fromWire.apply(null); // no value matches null: its message lists the allowed ones
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException(field, "field '" + field + "' " + e.getMessage());
        }
        throw new IllegalStateException("unreachable: null matched a value of " + field);
    }

    private static Duration duration(JsonNode object, String name) {
        return duration(object, name, name);
    }

    private static Duration duration(JsonNode object, String name, String field) {
        String text = text(object, name, field);
        if (text == null) {
            return null;
        }
        Duration duration;
        try {
            duration = parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException(field, "field '" + field + "' " + e.getMessage() + ": '" + text + "'");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be a positive duration: '" + text + "'");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be at most " + MAX_DURATION.toDays()
                    + " days: '" + text + "'");
        }
        return duration;
    }

    private static Integer integer(JsonNode body, String field, int min, int max) {
        JsonNode node = present(body.get(field));
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be a whole number from " + min
                    + " to " + max);
        }
        return node.intValue();
    }

    private static Boolean bool(JsonNode body, String field) {
        JsonNode node = present(body.get(field));
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be true or false");
        }
        return node.booleanValue();
    }

    private static String team(JsonNode body, String field) {
        String team = text(body, field, field);
        if (team != null && !TEAM.matcher(team).matches()) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be a team name: lower-case letters,"
                    + " digits and '-', starting with a letter or digit, at most 63 characters");
        }
        return team;
    }

    private static List<FreezeWindow> freezeWindows(JsonNode node) {
        if (present(node) == null) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidPolicyException("freezeWindows", "field 'freezeWindows' must be an array of"
                    + " {\"from\", \"to\"} or {\"cron\", \"duration\", \"zone\"} objects");
        }
        if (node.size() > MAX_FREEZE_WINDOWS) {
            throw new InvalidPolicyException("freezeWindows", "field 'freezeWindows' must hold at most "
                    + MAX_FREEZE_WINDOWS + " windows");
        }
        List<FreezeWindow> windows = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            windows.add(freezeWindow(node.get(i), "freezeWindows[" + i + "]"));
        }
        return windows;
    }

    private static FreezeWindow freezeWindow(JsonNode window, String field) {
        if (window == null || !window.isObject()) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be {\"from\", \"to\"} or"
                    + " {\"cron\", \"duration\", \"zone\"}");
        }
        refuseUnknown(window, WINDOW_FIELDS, field + ".");
        boolean recurring = present(window.get("cron")) != null;
        boolean fixed = present(window.get("from")) != null || present(window.get("to")) != null;
        if (!recurring && !fixed) {
            throw new InvalidPolicyException(field, "field '" + field + "' must have from and to (a fixed window)"
                    + " or cron and duration (a recurring one)");
        }
        for (String other : recurring ? List.of("from", "to") : List.of("duration", "zone")) {
            if (present(window.get(other)) != null) {
                throw new InvalidPolicyException(field + "." + other, "field '" + field + "." + other + "' does not"
                        + " belong in a " + (recurring ? "recurring window (cron, duration, zone)"
                        : "fixed window (from, to)") + ": a window is one or the other");
            }
        }
        String reason = text(window, "reason", field + ".reason");
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw new InvalidPolicyException(field + ".reason", "field '" + field + ".reason' must be at most "
                    + MAX_REASON_LENGTH + " characters");
        }
        return recurring ? recurringWindow(window, field, reason) : fixedWindow(window, field, reason);
    }

    private static FreezeWindow fixedWindow(JsonNode window, String field, String reason) {
        Instant from = instant(window, field + ".from", "from");
        Instant to = instant(window, field + ".to", "to");
        if (!to.isAfter(from)) {
            throw new InvalidPolicyException(field + ".to", "field '" + field + ".to' must be after " + field
                    + ".from (" + from + ")");
        }
        return FreezeWindow.fixed(from, to, reason);
    }

    private static Instant instant(JsonNode window, String field, String name) {
        String text = text(window, name, field);
        if (text == null) {
            throw new InvalidPolicyException(field, "field '" + field + "' is required in a fixed window");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidPolicyException(field, "field '" + field + "' must be an ISO-8601 date-time with an"
                    + " offset, e.g. 2026-12-24T00:00:00Z: '" + text + "'");
        }
    }

    private static FreezeWindow recurringWindow(JsonNode window, String field, String reason) {
        String cron = text(window, "cron", field + ".cron");
        try {
            FreezeWindow.schedule(cron);
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException(field + ".cron", "field '" + field + ".cron' " + e.getMessage());
        }
        Duration duration = duration(window, "duration", field + ".duration");
        if (duration == null) {
            throw new InvalidPolicyException(field + ".duration", "field '" + field + ".duration' is required in a"
                    + " recurring window: how long each occurrence lasts, e.g. PT62H");
        }
        String zoneText = text(window, "zone", field + ".zone");
        ZoneId zone;
        try {
            zone = zoneText == null ? null : ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw new InvalidPolicyException(field + ".zone", "field '" + field + ".zone' must be a time zone such as"
                    + " Europe/Paris or UTC: '" + zoneText + "'");
        }
        return FreezeWindow.recurring(cron, duration, zone, reason);
    }
}
