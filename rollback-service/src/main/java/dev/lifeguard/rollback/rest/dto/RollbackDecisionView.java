package dev.lifeguard.rollback.rest.dto;

import dev.lifeguard.rollback.RollbackDecision;

import java.time.OffsetDateTime;

/**
 * A decision as the REST API shows it: {@code decision} is ROLL_BACK, SKIPPED or MANUAL; {@code toVersion} is null
 * when SKIPPED, {@code anomalyId} when MANUAL. {@code execution} is what deploy-service reported about executing it
 * (ACCEPTED, EXECUTED, FAILED, SKIPPED; null until it reports), with its {@code executionDetail}.
 */
public record RollbackDecisionView(String id, String service, String environment, String deploymentId,
                                   String fromVersion, String toVersion, String decision, String reason,
                                   String anomalyId, String chainId, OffsetDateTime decidedAt, String requestedBy,
                                   String execution, String executionDetail) {

    public static RollbackDecisionView of(RollbackDecision decision) {
        return new RollbackDecisionView(decision.id, decision.service, decision.environment, decision.deploymentId,
                decision.fromVersion, decision.toVersion, decision.decision.name(), decision.reason,
                decision.anomalyId, decision.chainId, decision.decidedAt, decision.requestedBy,
                decision.execution != null ? decision.execution.name() : null, decision.executionDetail);
    }
}
