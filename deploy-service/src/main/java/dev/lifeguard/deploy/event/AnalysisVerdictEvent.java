package dev.lifeguard.deploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.Set;

/** Tolerant read of monitor-service's {@code lifeguard-analysis.finished} verdict. */
public record AnalysisVerdictEvent(String eventId, String deploymentId, String outcome, String endedBy, String reason) {

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
        return new AnalysisVerdictEvent(event.id(),
                CdEvent.requiredText(event.cdEvent().document(), "/subject/content/deploymentId"), outcome,
                CdEvent.textOrNull(content.get("endedBy")), reason == null ? outcome.toLowerCase() : reason);
    }

    public boolean endedByReplacement() {
        return endedBy != null && ENDED_BY_REPLACEMENT.contains(endedBy);
    }
}
