package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.postmortem.Incident;
import dev.lifeguard.postmortem.config.PostmortemConfig;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the events postmortem-service publishes on the incidents topic. */
@ApplicationScoped
public class IncidentEvents {

    private final ObjectMapper mapper;
    private final PostmortemConfig config;

    public IncidentEvents(ObjectMapper mapper, PostmortemConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** {@code incident.resolved}, triggered by the rollback that resolved the incident. */
    public CloudEvent resolved(Incident incident) {
        ObjectNode content = mapper.createObjectNode();
        content.put("description", incident.service + " " + incident.triggerVersion + " in " + incident.environment
                + " rolled back to " + incident.restoredVersion);
        content.putObject("environment").put("id", incident.environment);
        content.putObject("service").put("id", incident.service);
        content.put("artifactId", incident.restoredArtifactId != null ? incident.restoredArtifactId
                : "pkg:generic/" + incident.service + "@" + incident.restoredVersion);
        ObjectNode custom = mapper.createObjectNode();
        custom.put("incidentId", incident.id);
        custom.put("service", incident.service);
        custom.put("environment", incident.environment);
        custom.put("triggerVersion", incident.triggerVersion);
        custom.put("restoredVersion", incident.restoredVersion);
        custom.put("postmortemPath", postmortemPath(incident.id));
        return CdEventBuilder.event(EventTypes.INCIDENT_RESOLVED)
                .source(config.eventSource())
                .chainId(incident.chainId)
                .triggeredBy(incident.rollbackEventId)
                .subjectId(incident.id)
                .cloudEventSubject(incident.key())
                .content(content)
                .customData(custom)
                .build(mapper);
    }

    public static String postmortemPath(String incidentId) {
        return "/api/v1/incidents/" + incidentId + "/postmortem";
    }
}
