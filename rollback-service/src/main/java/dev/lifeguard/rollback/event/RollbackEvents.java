package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the events rollback-service publishes on the rollbacks topic. */
@ApplicationScoped
public class RollbackEvents {

    private final ObjectMapper mapper;
    private final RollbackConfig config;

    public RollbackEvents(ObjectMapper mapper, RollbackConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * {@code lifeguard-rollback.requested}: the subject is the decision, linked to the anomaly that caused it. A
     * manual one has no anomaly; it says {@code manual: true} and who asked, when they said.
     */
    public CloudEvent rollbackRequested(RollbackDecision decision) {
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
        return CdEventBuilder.event(EventTypes.ROLLBACK_REQUESTED)
                .source(config.eventSource())
                .chainId(decision.chainId)
                .triggeredBy(decision.anomalyEventId)
                .subjectId(decision.id)
                .cloudEventSubject(decision.key())
                .time(decision.decidedAt)
                .content(content)
                .build(mapper);
    }
}
