package dev.lifeguard.postmortem.event;

import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.List;

/**
 * What every rollback-service decision event says about its decision: its id (the CDEvents subject id, also the
 * rollback id), the deployment and versions, the outcome, what triggered it and the explanation.
 */
public record DecisionSubject(String decisionId, String deploymentId, String fromVersion, String toVersion,
                              String decision, String anomalyId, String analysisId, DecisionExplanation explanation) {

    /** rollback-service's {@code Decision} values. */
    public static final List<String> DECISIONS = List.of("ROLL_BACK", "SKIPPED", "HELD", "AWAITING_APPROVAL",
            "APPROVED", "REJECTED", "DRY_RUN", "MANUAL");

    static DecisionSubject read(CdEvent event) {
        String path = "/subject/content/decision";
        return new DecisionSubject(
                CdEvent.requiredText(event.document(), "/subject/id"),
                CdEvent.textOrNull(event.content().get("deploymentId")),
                CdEvent.requiredText(event.document(), "/subject/content/fromVersion"),
                CdEvent.textOrNull(event.content().get("toVersion")),
                decision(CdEvent.requiredText(event.document(), path), path),
                CdEvent.textOrNull(event.content().get("anomalyId")),
                CdEvent.textOrNull(event.content().get("analysisId")),
                DecisionExplanation.read(event, true));
    }

    /** The value, if it is one of {@link #DECISIONS}; otherwise the event is malformed and the field named. */
    static String decision(String value, String path) {
        if (value != null && !DECISIONS.contains(value)) {
            throw new MalformedEventException("field '" + path + "' must be one of " + String.join(", ", DECISIONS)
                    + ": '" + value + "'");
        }
        return value;
    }

    /** Whether the decision asks deploy-service for a rollback (a rollback-requested event says it too). */
    public boolean requestsRollback() {
        return "ROLL_BACK".equals(decision) || "APPROVED".equals(decision) || "MANUAL".equals(decision);
    }
}
