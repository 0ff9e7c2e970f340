package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Builds the events rollback-service publishes on the rollbacks topic. The subject of each is the decision (its id),
 * the CloudEvents subject {@code <service>/<environment>}; the first events of a decision link to the anomaly or
 * verdict it was taken on, later ones (an approval settled, a timeout) to the decision's previous event.
 */
@ApplicationScoped
public class RollbackEvents {

    private final ObjectMapper mapper;
    private final RollbackConfig config;

    public RollbackEvents(ObjectMapper mapper, RollbackConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * {@code lifeguard-rollback.requested}: deploy-service executes it. A manual one has no anomaly; it says
     * {@code manual: true} and who asked, when they said.
     */
    public CloudEvent rollbackRequested(RollbackDecision decision, String triggeredBy) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", decision.service);
        content.put("environment", decision.environment);
        content.put("deploymentId", decision.deploymentId);
        content.put("fromVersion", decision.fromVersion);
        content.put("toVersion", decision.toVersion);
        content.put("reason", decision.reason);
        content.put("anomalyId", decision.anomalyId);
        content.put("manual", decision.decision == Decision.MANUAL);
        if (decision.decision == Decision.MANUAL) {
            content.put("requestedBy", decision.requestedBy);
        }
        content.put("decision", decision.decision.name());
        if (decision.explanation != null) {
            content.set("explanation", explanation(decision));
        }
        return event("dev.cdeventsx.lifeguard-rollback.requested.0.1.0", decision, triggeredBy, content);
    }

    /** {@code lifeguard-rollback.decided}: every decision and every change of one. */
    public CloudEvent decided(RollbackDecision decision, Decision previous, String triggeredBy) {
        ObjectNode content = common(decision);
        content.put("previousDecision", previous != null ? previous.name() : null);
        content.put("settledBy", decision.settledBy);
        content.put("settleReason", decision.settleReason);
        return event("dev.cdeventsx.lifeguard-rollback.decided.0.1.0", decision, triggeredBy, content);
    }

    /** {@code lifeguard-rollback.approval-requested}: the team is asked, with the deadline and how to answer. */
    public CloudEvent approvalRequested(RollbackDecision decision, Duration timeout, String triggeredBy) {
        ObjectNode content = common(decision);
        ObjectNode approval = content.putObject("approval");
        approval.put("deadline", instant(decision.approvalDeadline));
        approval.put("timeout", timeout.toString());
        approval.put("onTimeout", decision.onApprovalTimeout.wire());
        approval.put("escalationTeam", decision.escalationTeam);
        approval.put("approveUrl", "/api/v1/rollbacks/" + decision.id + "/approve");
        approval.put("rejectUrl", "/api/v1/rollbacks/" + decision.id + "/reject");
        return event("dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0", decision, triggeredBy, content);
    }

    /** {@code lifeguard-rollback.escalated}: {@code because} approval-timeout or depth-guard; {@code then} rollback or hold. */
    public CloudEvent escalated(RollbackDecision decision, String because, String then, String triggeredBy) {
        ObjectNode content = common(decision);
        content.put("escalationTeam", decision.escalationTeam);
        content.put("escalatedBecause", because);
        content.put("then", then);
        return event("dev.cdeventsx.lifeguard-rollback.escalated.0.1.0", decision, triggeredBy, content);
    }

    /** {@code lifeguard-rollback.guard-tripped}: automatic rollbacks in the environment now need approval. */
    public CloudEvent guardTripped(RollbackDecision decision, int count, int limit, Duration window, Instant since,
                                   String triggeredBy) {
        ObjectNode content = common(decision);
        content.put("count", count);
        content.put("limit", limit);
        content.put("window", window.toString());
        content.put("since", since.toString());
        return event("dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0", decision, triggeredBy, content);
    }

    private ObjectNode common(RollbackDecision decision) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", decision.service);
        content.put("environment", decision.environment);
        content.put("deploymentId", decision.deploymentId);
        content.put("fromVersion", decision.fromVersion);
        content.put("toVersion", decision.toVersion);
        content.put("anomalyId", decision.anomalyId);
        content.put("analysisId", decision.analysisId);
        content.put("decision", decision.decision.name());
        content.set("explanation", explanation(decision));
        return content;
    }

    private JsonNode explanation(RollbackDecision decision) {
        try {
            return mapper.readTree(decision.explanation);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Decision " + decision.id + " has an unreadable explanation", e);
        }
    }

    private CloudEvent event(String type, RollbackDecision decision, String triggeredBy, ObjectNode content) {
        return CdEventBuilder.event(type)
                .source(config.eventSource())
                .chainId(decision.chainId)
                .triggeredBy(triggeredBy)
                .subjectId(decision.id)
                .cloudEventSubject(decision.key())
                .time(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
                .content(content)
                .build(mapper);
    }

    private static String instant(OffsetDateTime time) {
        return time.toInstant().toString();
    }
}
