package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * monitor-service's {@code lifeguard-analysis.finished}: the verdict on one deployment of the chain (passed, failed
 * or inconclusive), why, and what each metric showed; {@code analysisId} and {@code rolloutStep} (0-based, for the
 * analysis of one rollout step) are optional.
 */
public record AnalysisFinished(String deploymentId, String version, String outcome, String reason, String endedBy,
                               List<MetricVerdict> metrics, String analysisId, Integer rolloutStep)
        implements EventDetails {

    private static final Set<String> OUTCOMES = Set.of("passed", "failed", "inconclusive");

    public AnalysisFinished {
        metrics = List.copyOf(metrics);
    }

    static AnalysisFinished from(CdEvent event) {
        JsonNode document = event.document();
        JsonNode content = event.content();
        // A metric entry without a name or a known verdict is left out: the verdict itself still belongs on the timeline.
        List<MetricVerdict> metrics = new ArrayList<>();
        for (JsonNode metric : content.path("metrics")) {
            String name = CdEvent.textOrNull(metric.get("metric"));
            String verdict = CdEvent.textOrNull(metric.get("verdict"));
            if (name == null || !OUTCOMES.contains(verdict)) {
                continue;
            }
            JsonNode statistic = metric.path("statistic");
            metrics.add(new MetricVerdict(name, CdEvent.textOrNull(metric.get("detector")), verdict,
                    statistic.isNumber() ? statistic.doubleValue() : null, CdEvent.textOrNull(metric.get("reason"))));
        }
        return new AnalysisFinished(
                CdEvent.textOrNull(content.get("deploymentId")),
                CdEvent.requiredText(document, "/subject/content/version"),
                outcome(document, "/subject/content/outcome"),
                CdEvent.requiredText(document, "/subject/content/reason"),
                CdEvent.textOrNull(content.get("endedBy")),
                metrics,
                CdEvent.textOrNull(content.get("analysisId")),
                content.path("rolloutStep").isIntegralNumber() ? content.path("rolloutStep").intValue() : null);
    }

    /** The analysis of one step of a rollout ({@code <deploymentId>#<step>}), not the deployment's verdict. */
    public boolean stepAnalysis() {
        return rolloutStep != null || analysisId != null && analysisId.contains("#");
    }

    /**
     * The verdict on the deployment itself at full traffic: neither a step's nor the re-analysis of the version
     * restored by a rollback ({@code <deploymentId>@<rollbackId>}).
     */
    public boolean deploymentVerdict() {
        return !stepAnalysis() && (analysisId == null || !analysisId.contains("@"));
    }

    /** The metrics that decided the outcome: those whose own verdict is the analysis' verdict. */
    public List<MetricVerdict> decidingMetrics() {
        return metrics.stream().filter(metric -> metric.verdict().equals(outcome)).toList();
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ANALYSIS;
    }

    private static String outcome(JsonNode document, String path) {
        String outcome = CdEvent.requiredText(document, path);
        if (!OUTCOMES.contains(outcome)) {
            throw new MalformedEventException("field '" + path + "' must be passed, failed or inconclusive: '"
                    + outcome + "'");
        }
        return outcome;
    }

    /** One metric's verdict, the detector that reached it and its statistic (null when it computed none). */
    public record MetricVerdict(String metric, String detector, String verdict, Double statistic, String reason) {
    }
}
