package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code dev.cdeventsx.lifeguard-audit.recorded.0.1.0} event (contracts/events): one audit entry. What the
 * contract requires must be there; texts longer than the read model keeps are malformed rather than cut, so an entry
 * is never stored other than it was recorded.
 */
public record AuditRecorded(String eventId, OffsetDateTime at, String service, String actor, String actorKind,
                            Set<String> roles, Set<String> teams, String action, String target, String outcome,
                            Integer status, String detail, String sourceAddress) {

    public static final String TYPE = "dev.cdeventsx.lifeguard-audit.recorded.0.1.0";
    private static final List<String> ACTOR_KINDS = List.of("user", "service", "anonymous");
    private static final Set<String> ROLES = Set.of("viewer", "ci", "operator", "admin");

    public static boolean isAuditEvent(String type) {
        return TYPE.equals(type);
    }

    public static AuditRecorded read(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        String actorKind = text(content, "actorKind", 20);
        if (!ACTOR_KINDS.contains(actorKind)) {
            throw new MalformedEventException("field '/subject/content/actorKind' must be one of " + ACTOR_KINDS);
        }
        Set<String> roles = strings(content, "roles");
        if (!ROLES.containsAll(roles)) {
            throw new MalformedEventException("field '/subject/content/roles' may only hold " + ROLES);
        }
        JsonNode status = content.path("status");
        if (!status.isMissingNode() && !status.isNull() && !status.isInt()) {
            throw new MalformedEventException("field '/subject/content/status' must be an integer or null");
        }
        return new AuditRecorded(event.id(), time(content), text(content, "service", 100), text(content, "actor", 300),
                actorKind, roles, strings(content, "teams"), text(content, "action", 500),
                text(content, "target", 10_000), text(content, "outcome", 100),
                status.isInt() ? status.intValue() : null, optionalText(content, "detail", 10_000),
                optionalText(content, "sourceAddress", 100));
    }

    private static OffsetDateTime time(JsonNode content) {
        String at = required(content, "at");
        try {
            return OffsetDateTime.parse(at);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("field '/subject/content/at' is not an ISO-8601 date-time: " + at);
        }
    }

    private static String text(JsonNode content, String field, int max) {
        return bounded(field, required(content, field), max);
    }

    private static String required(JsonNode content, String field) {
        String value = CdEvent.textOrNull(content.path(field));
        if (value == null) {
            throw new MalformedEventException("missing or empty field '/subject/content/" + field + "'");
        }
        return value;
    }

    private static String optionalText(JsonNode content, String field, int max) {
        String value = CdEvent.textOrNull(content.path(field));
        return value == null ? null : bounded(field, value, max);
    }

    private static String bounded(String field, String value, int max) {
        if (value.length() > max) {
            throw new MalformedEventException("field '/subject/content/" + field + "' is longer than " + max);
        }
        return value;
    }

    private static Set<String> strings(JsonNode content, String field) {
        JsonNode array = content.path(field);
        if (!array.isArray()) {
            throw new MalformedEventException("field '/subject/content/" + field + "' must be an array of strings");
        }
        Set<String> values = new TreeSet<>();
        for (JsonNode value : array) {
            if (!value.isTextual() || value.asText().isBlank() || value.asText().contains(",")) {
                throw new MalformedEventException("field '/subject/content/" + field + "' must hold names");
            }
            values.add(value.asText());
        }
        return values;
    }
}
