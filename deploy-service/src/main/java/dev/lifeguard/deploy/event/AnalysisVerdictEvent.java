package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.Set;

/** Tolerant read of monitor-service's {@code lifeguard-analysis.finished} verdict. */
public record AnalysisVerdictEvent(String eventId, String deploymentId, String outcome, String endedBy, String reason,
                                   String analysisId, Integer rolloutStep) {

    public AnalysisVerdictEvent(String eventId, String deploymentId, String outcome, String endedBy, String reason) {
        this(eventId, deploymentId, outcome, endedBy, reason, null, null);
    }

    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";
    public static final String INCONCLUSIVE = "INCONCLUSIVE";
    /** Ended because the deployment was replaced or rolled back: says nothing about the deployment itself. */
    private static final Set<String> ENDED_BY_REPLACEMENT = Set.of("superseded", "rollback");

    public static AnalysisVerdictEvent from(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        String outcome = CdEvent.requiredText(event.cdEvent().document(), "/subject/content/outcome").toUpperCase();
        if (!Set.of(PASSED, FAILED, INCONCLUSIVE).contains(outcome)) {
            throw new MalformedEventException("field 'subject.content.outcome' must be passed, failed or inconclusive: '"
                    + outcome.toLowerCase() + "'");
        }
        String reason = CdEvent.textOrNull(content.get("reason"));
        JsonNode step = content.get("rolloutStep");
        if (step != null && !step.isNull() && (!step.canConvertToInt() || !step.isIntegralNumber() || step.asInt() < 0)) {
            throw new MalformedEventException("field 'subject.content.rolloutStep' must be a step index (integer >= 0)");
        }
        return new AnalysisVerdictEvent(event.id(),
                CdEvent.requiredText(event.cdEvent().document(), "/subject/content/deploymentId"), outcome,
                CdEvent.textOrNull(content.get("endedBy")), reason == null ? outcome.toLowerCase() : reason,
                CdEvent.textOrNull(content.get("analysisId")), step == null || step.isNull() ? null : step.asInt());
    }

    /**
     * The rollout step whose analysis ended: {@code rolloutStep}, else the index after '#' in the analysis id
     * ({@code <deploymentId>#<stepIndex>}); null for the deployment's own analysis.
     */
    public Integer stepIndex() {
        if (rolloutStep != null) {
            return rolloutStep;
        }
        int hash = analysisId == null ? -1 : analysisId.lastIndexOf('#');
        if (hash < 0) {
            return null;
        }
        try {
            return Integer.parseInt(analysisId.substring(hash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public boolean stepVerdict() {
        return stepIndex() != null;
    }

    public boolean endedByReplacement() {
        return endedBy != null && ENDED_BY_REPLACEMENT.contains(endedBy);
    }
}
