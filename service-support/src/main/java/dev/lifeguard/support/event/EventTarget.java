package dev.lifeguard.support.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * The service and environment an event is about. Lifeguard events name them in customData (deployments,
 * anomalies), in the CDEvents subject content as text or as {@code {"id": ...}}, and always in the
 * CloudEvents subject {@code <service>/<environment>}, which is also the Kafka key.
 */
public record EventTarget(String service, String environment) {

    /** What a service, environment or team name may be: it ends up in Kafka keys, topic names and URLs. */
    public static final String NAME_RULE = "1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public static boolean isValidName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** The value, if it is a valid name; otherwise the event is malformed, and the reason names the field. */
    public static String requireName(String field, String value) {
        if (!isValidName(value)) {
            throw new MalformedEventException("field '" + field + "' must be " + NAME_RULE + ": '" + value + "'");
        }
        return value;
    }

    /** Reads the target from wherever the event names it; throws when it names none or an invalid one. */
    public static EventTarget of(CloudEvent event) {
        String[] subject = event.subject() == null ? new String[0] : event.subject().split("/");
        boolean subjectNamesTarget = subject.length == 2 && !subject[0].isBlank() && !subject[1].isBlank();
        return new EventTarget(
                find(event, "service", subjectNamesTarget ? subject[0] : null),
                find(event, "environment", subjectNamesTarget ? subject[1] : null));
    }

    public String key() {
        return service + "/" + environment;
    }

    private static String find(CloudEvent event, String field, String fromSubject) {
        CdEvent cdEvent = event.cdEvent();
        JsonNode content = cdEvent.content().path(field);
        String value = firstText(cdEvent.customData().path(field), content, content.path("id"));
        if (value == null) {
            value = fromSubject;
        }
        if (value == null) {
            throw new MalformedEventException("cannot tell the " + field + ": no customData." + field
                    + ", subject.content." + field + " or CloudEvent subject '<service>/<environment>'");
        }
        return requireName(field, value);
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            String text = CdEvent.textOrNull(candidate);
            if (text != null) {
                return text;
            }
        }
        return null;
    }
}
