package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.regex.Pattern;

/**
 * An event of a chain as the read model needs it: when it happened, which service and environment it is
 * about, and its type-specific details. Any Lifeguard stream may carry it; what cannot be placed on a
 * timeline (no chain id, no time, no target) is malformed.
 */
public record ChainEvent(CloudEvent cloudEvent, String service, String environment, EventDetails details) {

    /** Service and environment names, as every Lifeguard service validates them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** The chain event, or empty when its type is none the timeline shows. */
    /** Types that belong on a timeline; other events on the consumed topics are skipped. */
    public static boolean isTimelineEvent(String type) {
        return Stream.of(EventTypes.SERVICE_DEPLOYED_PREFIX, EventTypes.SERVICE_UPGRADED_PREFIX,
                        EventTypes.INCIDENT_DETECTED_PREFIX, EventTypes.ROLLBACK_REQUESTED_PREFIX,
                        EventTypes.SERVICE_ROLLEDBACK_PREFIX, EventTypes.NOTIFICATION_PUBLISHED_PREFIX)
                .anyMatch(type::startsWith);
    }

    public static Optional<ChainEvent> read(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        EventDetails details = details(event.type(), cdEvent);
        if (details == null) {
            return Optional.empty();
        }
        if (event.chainId() == null) {
            throw new MalformedEventException("missing chain id (CloudEvent 'chainid' or CDEvent 'context.chainId')");
        }
        if (event.time() == null) {
            throw new MalformedEventException("missing CloudEvent 'time'");
        }
        return Optional.of(new ChainEvent(event, target(event, "service", 0), target(event, "environment", 1), details));
    }

    public String id() {
        return cloudEvent.id();
    }

    public String chainId() {
        return cloudEvent.chainId();
    }

    public OffsetDateTime time() {
        return cloudEvent.time();
    }

    private static EventDetails details(String type, CdEvent cdEvent) {
        if (type.startsWith(EventTypes.SERVICE_DEPLOYED_PREFIX)) {
            return DeploymentReported.from(cdEvent, false);
        }
        if (type.startsWith(EventTypes.SERVICE_UPGRADED_PREFIX)) {
            return DeploymentReported.from(cdEvent, true);
        }
        if (type.startsWith(EventTypes.INCIDENT_DETECTED_PREFIX)) {
            return AnomalyDetected.from(cdEvent);
        }
        if (type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX)) {
            return RollbackRequested.from(cdEvent);
        }
        if (type.startsWith(EventTypes.SERVICE_ROLLEDBACK_PREFIX)) {
            return ServiceRolledBack.from(cdEvent);
        }
        if (type.startsWith(EventTypes.NOTIFICATION_PUBLISHED_PREFIX)) {
            return NotificationPublished.from(cdEvent);
        }
        return null;
    }

    /**
     * Lifeguard events name their target in different places: customData (deployments, anomalies),
     * subject content as text (rollback requests, notifications) or as {@code {id}} (CDEvents style),
     * and always in the CloudEvent subject {@code <service>/<environment>}.
     */
    private static String target(CloudEvent event, String field, int subjectPart) {
        JsonNode content = event.cdEvent().content().path(field);
        String value = firstText(event.cdEvent().customData().path(field), content, content.path("id"));
        if (value == null && event.subject() != null && event.subject().split("/").length == 2) {
            value = event.subject().split("/")[subjectPart];
        }
        if (value == null) {
            throw new MalformedEventException("missing " + field + ": no customData." + field + ", subject.content."
                    + field + " or CloudEvent subject '<service>/<environment>'");
        }
        if (!NAME.matcher(value).matches()) {
            throw new MalformedEventException(field + " must be 1-100 letters, digits, '.', '_' or '-': '" + value + "'");
        }
        return value;
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
