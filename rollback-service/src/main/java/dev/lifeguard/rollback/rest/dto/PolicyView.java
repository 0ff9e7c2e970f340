package dev.lifeguard.rollback.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeguard.rollback.DecisionPolicy;
import dev.lifeguard.rollback.PolicySettings;
import dev.lifeguard.rollback.service.DecisionPolicies.StoredPolicy;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A stored policy as the REST API shows it: its scope ({@code environment}, or {@code service} in
 * {@code environment}), the fields it sets (those it does not set are absent: inherited), durations in ISO-8601,
 * and {@code version} (1, 2, … per PUT of the scope), {@code updatedAt}, {@code updatedBy} (the token subject who
 * changed it), {@code team} (who owns it; null: the platform's).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyView(String scope, String environment, @JsonInclude(JsonInclude.Include.ALWAYS) String service,
                         String mode, String onInconclusive, String cooldown, Integer maxRollbacksPerHour,
                         List<FreezeWindowView> freezeWindows, Boolean dryRun, String approvalTimeout,
                         String onApprovalTimeout, String escalationTeam, Integer maxDepth, int version,
                         OffsetDateTime updatedAt, String updatedBy,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String team) {

    public static PolicyView of(StoredPolicy policy) {
        DecisionPolicy row = policy.row();
        PolicySettings settings = policy.settings();
        return new PolicyView(row.environmentWide() ? "environment" : "service", row.environment, row.serviceOrNull(),
                settings.mode() != null ? settings.mode().wire() : null,
                settings.onInconclusive() != null ? settings.onInconclusive().wire() : null,
                settings.cooldown() != null ? settings.cooldown().toString() : null,
                settings.maxRollbacksPerHour(),
                settings.freezeWindows() != null
                        ? settings.freezeWindows().stream().map(FreezeWindowView::of).toList() : null,
                settings.dryRun(),
                settings.approvalTimeout() != null ? settings.approvalTimeout().toString() : null,
                settings.onApprovalTimeout() != null ? settings.onApprovalTimeout().wire() : null,
                settings.escalationTeam(),
                settings.maxDepth(),
                row.version, row.updatedAt, row.updatedBy, row.team);
    }
}
