package dev.lifeguard.postmortem.rest.dto;

import dev.lifeguard.postmortem.AuditEntry;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** One audit entry; {@code id} is its event id, and the {@code before} cursor of the page after it. */
public record AuditEntryView(String id, OffsetDateTime at, String service, String actor, String actorKind,
                             List<String> roles, List<String> teams, String action, String target, String outcome,
                             Integer status, String detail, String sourceAddress) {

    public static AuditEntryView of(AuditEntry entry) {
        return new AuditEntryView(entry.eventId, entry.at, entry.service, entry.actor, entry.actorKind,
                names(entry.roles), names(entry.teams), entry.action, entry.target, entry.outcome, entry.status,
                entry.detail, entry.sourceAddress);
    }

    private static List<String> names(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
