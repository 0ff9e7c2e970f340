package dev.lifeguard.rollback.rest.dto;

import dev.lifeguard.rollback.RollbackDecision;

import java.time.OffsetDateTime;

/** A decision as the REST API shows it; {@code toVersion} is null when the decision is SKIPPED. */
public record RollbackDecisionView(String id, String service, String environment, String deploymentId,
                                   String fromVersion, String toVersion, String decision, String reason,
                                   String anomalyId, String chainId, OffsetDateTime decidedAt) {

    public static RollbackDecisionView of(RollbackDecision decision) {
        return new RollbackDecisionView(decision.id, decision.service, decision.environment, decision.deploymentId,
                decision.fromVersion, decision.toVersion, decision.decision.name(), decision.reason,
                decision.anomalyId, decision.chainId, decision.decidedAt);
    }
}
