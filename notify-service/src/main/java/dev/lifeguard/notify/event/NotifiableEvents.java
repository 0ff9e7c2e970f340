package dev.lifeguard.notify.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.regex.Pattern;

/**
 * Reads the events notify-service announces. Tolerant: only what a message cannot do without is
 * required (service, environment, the versions of a rollback); everything else may be missing.
 * Service and environment come from customData, else the CDEvent subject content, else the CloudEvent
 * subject {@code <service>/<environment>}.
 */
public final class NotifiableEvents {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private NotifiableEvents() {
    }

    /** The event, or empty for a type no team is told about; throws {@link MalformedEventException}. */
    /** Types a team is told about; other events on the consumed topics are skipped. */
    public static boolean isNotifiable(String type) {
        return Stream.of(EventTypes.SERVICE_DEPLOYED_PREFIX, EventTypes.SERVICE_UPGRADED_PREFIX,
                        EventTypes.SERVICE_ROLLEDBACK_PREFIX, EventTypes.INCIDENT_DETECTED_PREFIX,
                        EventTypes.ROLLBACK_REQUESTED_PREFIX)
                .anyMatch(type::startsWith);
    }

    public static Optional<NotifiableEvent> from(CloudEvent event) {
        String type = event.type();
        if (type.startsWith(EventTypes.SERVICE_DEPLOYED_PREFIX) || type.startsWith(EventTypes.SERVICE_UPGRADED_PREFIX)) {
            return Optional.of(deployment(event));
        }
        if (type.startsWith(EventTypes.SERVICE_ROLLEDBACK_PREFIX)) {
            return Optional.of(rolledBack(event));
        }
        if (type.startsWith(EventTypes.INCIDENT_DETECTED_PREFIX)) {
            return Optional.of(anomaly(event));
        }
        if (type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX)) {
            return Optional.of(rollbackRequested(event));
        }
        return Optional.empty();
    }

    private static DeploymentEvent deployment(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        String version = firstText(text(custom, "version"), versionOf(text(cd.content(), "artifactId")));
        return new DeploymentEvent(event, service(event), environment(event),
                required(version, "customData.version (or a versioned subject.content.artifactId)"),
                text(custom, "previousVersion"), text(custom, "commit"), text(custom, "changeUrl"),
                text(custom, "deploymentId"));
    }

    private static RolledBackEvent rolledBack(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        String toVersion = firstText(text(custom, "toVersion"), versionOf(text(cd.content(), "artifactId")));
        return new RolledBackEvent(event, service(event), environment(event), text(custom, "fromVersion"),
                required(toVersion, "customData.toVersion (or a versioned subject.content.artifactId)"),
                text(custom, "reason"), text(custom, "rollbackId"));
    }

    private static AnomalyEvent anomaly(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode custom = cd.customData();
        JsonNode threshold = custom.path("threshold");
        List<Double> observed = new ArrayList<>();
        custom.path("observedValues").forEach(value -> {
            if (value.isNumber()) {
                observed.add(value.asDouble());
            }
        });
        return new AnomalyEvent(event, service(event), environment(event),
                firstText(text(custom, "version"), versionOf(text(cd.content(), "artifactId"))),
                firstText(text(cd.content(), "description"), text(custom, "rule")),
                text(custom, "metric"), threshold.isNumber() ? threshold.asDouble() : null, observed,
                firstText(text(custom, "anomalyId"), text(cd.subject(), "id")));
    }

    private static RollbackRequestedEvent rollbackRequested(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        JsonNode content = cd.content();
        return new RollbackRequestedEvent(event, service(event), environment(event),
                required(text(content, "fromVersion"), "subject.content.fromVersion"),
                required(text(content, "toVersion"), "subject.content.toVersion"),
                text(content, "reason"), text(cd.subject(), "id"));
    }

    private static String service(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        return name(firstText(text(cd.customData(), "service"), textOrId(cd.content().path("service")),
                subjectPart(event, 0)), "service");
    }

    private static String environment(CloudEvent event) {
        CdEvent cd = event.cdEvent();
        return name(firstText(text(cd.customData(), "environment"), textOrId(cd.content().path("environment")),
                subjectPart(event, 1)), "environment");
    }

    private static String name(String value, String what) {
        if (value == null) {
            throw new MalformedEventException("cannot tell the " + what + ": no customData." + what + ", subject.content."
                    + what + " or CloudEvent subject '<service>/<environment>'");
        }
        if (!NAME.matcher(value).matches()) {
            throw new MalformedEventException(what + " must be 1-100 letters, digits, '.', '_' or '-': '" + value + "'");
        }
        return value;
    }

    private static String subjectPart(CloudEvent event, int index) {
        String subject = event.subject();
        if (subject == null) {
            return null;
        }
        String[] parts = subject.split("/");
        return parts.length == 2 && !parts[index].isBlank() ? parts[index] : null;
    }

    /** A field given either as text or as a CDEvents reference {@code {"id": ...}}. */
    private static String textOrId(JsonNode node) {
        return node.isObject() ? CdEvent.textOrNull(node.get("id")) : CdEvent.textOrNull(node);
    }

    /** The version in a package URL ({@code pkg:type/name@version?...}), if it has one. */
    static String versionOf(String purl) {
        if (purl == null || !purl.contains("@")) {
            return null;
        }
        String version = purl.substring(purl.lastIndexOf('@') + 1).split("[?#]", 2)[0];
        return version.isBlank() ? null : version;
    }

    private static String text(JsonNode node, String field) {
        return CdEvent.textOrNull(node.get(field));
    }

    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw new MalformedEventException("missing or empty field '" + field + "'");
        }
        return value;
    }
}
