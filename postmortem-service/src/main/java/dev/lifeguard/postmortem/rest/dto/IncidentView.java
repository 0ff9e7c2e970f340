package dev.lifeguard.postmortem.rest.dto;

import dev.lifeguard.postmortem.Incident;

import java.time.OffsetDateTime;

public record IncidentView(String id, String chainId, String service, String environment, String status,
                           String triggerVersion, String restoredVersion, OffsetDateTime openedAt,
                           OffsetDateTime resolvedAt) {

    public static IncidentView of(Incident incident) {
        return new IncidentView(incident.id, incident.chainId, incident.service, incident.environment,
                incident.status.name(), incident.triggerVersion, incident.restoredVersion, incident.openedAt,
                incident.resolvedAt);
    }
}
