package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.policy.Failure;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.Set;

/**
 * Tolerant read of monitor-service's {@code lifeguard-analysis.finished}: the verdict of one analysis of a deployment.
 * rollback-service decides only on inconclusive verdicts of full-traffic analyses ({@link #decidable()}): failed ones
 * come as anomalies, step verdicts are deploy-service's, and a restored version's re-analysis is not rolled back on
 * an inconclusive verdict. An analysis cut short because a newer deployment replaced it or a rollback removed it
 * ({@code endedBy} superseded / rollback) judged nothing that still runs: it is no decision either.
 */
public record AnalysisFinishedEvent(String eventId, String chainId, String outcome, String deploymentId,
                                    String analysisId, String service, String environment, String version,
                                    String stableVersion, String reason, Integer rolloutStep, String rollbackId) {

    private static final String CONTENT = "/subject/content/";
    /** How an analysis ends when what it judged stopped running before its window was over. */
    private static final Set<String> CUT_SHORT = Set.of("superseded", "rollback");

    /**
     * Whether the verdict is one to decide on, read leniently: the other verdicts are none of rollback-service's
     * business, so a field they lack is no reason to dead-letter them.
     */
    public static boolean decidable(CloudEvent event) {
        JsonNode content = event.cdEvent().content();
        JsonNode step = content.path("rolloutStep");
        JsonNode rollbackId = content.path("rollbackId");
        return "inconclusive".equals(content.path("outcome").asText(null))
                && (step.isMissingNode() || step.isNull()) && (rollbackId.isMissingNode() || rollbackId.isNull())
                && !CUT_SHORT.contains(content.path("endedBy").asText(""));
    }

    public static AnalysisFinishedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        String outcome = CdEvent.requiredText(document, CONTENT + "outcome");
        if (!outcome.equals("passed") && !outcome.equals("failed") && !outcome.equals("inconclusive")) {
            throw new MalformedEventException("field '" + CONTENT + "outcome' must be passed, failed or inconclusive");
        }
        JsonNode step = document.at(CONTENT + "rolloutStep");
        Integer rolloutStep = null;
        if (!step.isMissingNode() && !step.isNull()) {
            if (!step.isIntegralNumber() || !step.canConvertToInt() || step.intValue() < 0) {
                throw new MalformedEventException("field '" + CONTENT + "rolloutStep' must be a non-negative integer");
            }
            rolloutStep = step.intValue();
        }
        return new AnalysisFinishedEvent(event.id(), event.chainId(), outcome,
                EventFields.text(document, CONTENT + "deploymentId", 200),
                EventFields.optionalText(document, CONTENT + "analysisId", 200),
                EventFields.name(document, CONTENT + "service"),
                EventFields.name(document, CONTENT + "environment"),
                EventFields.text(document, CONTENT + "version", 200),
                EventFields.optionalText(document, CONTENT + "stableVersion", 200),
                shortened(EventFields.text(document, CONTENT + "reason", 100_000)),
                rolloutStep,
                EventFields.optionalText(document, CONTENT + "rollbackId", 200));
    }

    /** An inconclusive verdict of a deployment's full-traffic analysis: the only verdicts rollback-service decides on. */
    public boolean decidable() {
        return "inconclusive".equals(outcome) && rolloutStep == null && rollbackId == null;
    }

    public String evidence() {
        return "analysis " + (analysisId != null ? analysisId : deploymentId) + " of " + version + " was inconclusive: "
                + reason;
    }

    public Failure failure() {
        return new Failure("inconclusive verdict", deploymentId, version, evidence(), rolloutStep);
    }

    /** Only shown to people: a long reason is shortened, never a reason to dead-letter the verdict. */
    private static String shortened(String reason) {
        return reason.length() > 1000 ? reason.substring(0, 997) + "..." : reason;
    }
}
