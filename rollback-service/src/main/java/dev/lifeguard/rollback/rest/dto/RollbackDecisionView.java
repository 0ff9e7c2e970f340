package dev.lifeguard.rollback.rest.dto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.rollback.RollbackDecision;

import java.time.OffsetDateTime;

/**
 * A decision as the REST API shows it. {@code decision}: ROLL_BACK, SKIPPED, HELD, AWAITING_APPROVAL, APPROVED,
 * REJECTED, DRY_RUN or MANUAL; {@code rule} the rule that decided it and {@code reason} its one line for people;
 * {@code explanation} {rule, reason, policy, inputs}; {@code trigger} anomaly, verdict or manual; {@code approval} the
 * deadline and how it was settled (null fields until then). {@code toVersion} is null when there is none,
 * {@code anomalyId} when not decided on an anomaly. {@code execution} is what deploy-service reported about executing
 * it (ACCEPTED, EXECUTED, FAILED, SKIPPED; null until it reports), with its {@code executionDetail}.
 */
public record RollbackDecisionView(String id, String service, String environment, String deploymentId,
                                   String fromVersion, String toVersion, String decision, String rule, String reason,
                                   String trigger, String anomalyId, String analysisId, String chainId,
                                   OffsetDateTime decidedAt, String requestedBy, Integer depth, String policyVersion,
                                   JsonNode explanation, Approval approval, String execution, String executionDetail) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A decision's approval: its deadline (AWAITING_APPROVAL), its escalation and how it was settled. */
    public record Approval(OffsetDateTime deadline, OffsetDateTime escalatedAt, String escalationTeam, String settledBy,
                           OffsetDateTime settledAt, String settleReason) {
    }

    public static RollbackDecisionView of(RollbackDecision decision) {
        JsonNode explanation = read(decision.explanation);
        String reason = explanation != null && explanation.hasNonNull("reason")
                ? explanation.get("reason").asText() : decision.reason;
        return new RollbackDecisionView(decision.id, decision.service, decision.environment, decision.deploymentId,
                decision.fromVersion, decision.toVersion, decision.decision.name(), decision.rule, reason,
                decision.triggerKind != null ? decision.triggerKind.wire() : null, decision.anomalyId,
                decision.analysisId, decision.chainId, decision.decidedAt, decision.requestedBy, decision.depth,
                decision.policyVersion, explanation,
                new Approval(decision.approvalDeadline, decision.escalatedAt, decision.escalationTeam,
                        decision.settledBy, decision.settledAt, decision.settleReason),
                decision.execution != null ? decision.execution.name() : null, decision.executionDetail);
    }

    private static JsonNode read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
