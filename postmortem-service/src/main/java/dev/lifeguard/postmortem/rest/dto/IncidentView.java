package dev.lifeguard.postmortem.rest.dto;

import dev.lifeguard.postmortem.Incident;

import java.time.OffsetDateTime;

/**
 * {@code rollbackOutcome} (failed, skipped, accepted; null when none was reported) and {@code rollbackDetail} say
 * why an incident is still open, or what happened before its rollback; {@code rolledBackBy} (executor, ci, person)
 * who carried out the rollback that resolved it.
 */
public record IncidentView(String id, String chainId, String service, String environment, String status,
                           String triggerVersion, String restoredVersion, OffsetDateTime openedAt,
                           OffsetDateTime resolvedAt, String rolledBackBy, String rollbackOutcome,
                           String rollbackDetail) {

    public static IncidentView of(Incident incident) {
        return new IncidentView(incident.id, incident.chainId, incident.service, incident.environment,
                incident.status.name(), incident.triggerVersion, incident.restoredVersion, incident.openedAt,
                incident.resolvedAt, incident.rolledBackBy, incident.rollbackOutcome, incident.rollbackOutcomeDetail);
    }
}
