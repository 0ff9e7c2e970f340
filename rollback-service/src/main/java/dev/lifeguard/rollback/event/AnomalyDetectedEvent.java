package dev.lifeguard.rollback.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.rollback.policy.Failure;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Tolerant read of monitor-service's {@code incident.detected}: which deployment broke which rule, with the evidence. */
public record AnomalyDetectedEvent(String eventId, String chainId, String anomalyId, String deploymentId,
                                   String service, String environment, String version, String metric,
                                   double threshold, List<Double> observedValues, String detector, String rule,
                                   String rollbackId, Integer rolloutStep, String analysisId) {

    /** Enough samples to show the pattern; the rest would only make the reason unreadable. */
    private static final int SHOWN_VALUES = 10;

    public AnomalyDetectedEvent(String eventId, String chainId, String anomalyId, String deploymentId, String service,
                                String environment, String version, String metric, double threshold,
                                List<Double> observedValues, String detector, String rule, String rollbackId,
                                Integer rolloutStep) {
        this(eventId, chainId, anomalyId, deploymentId, service, environment, version, metric, threshold, observedValues,
                detector, rule, rollbackId, rolloutStep, null);
    }

    /** An anomaly of a deployment's full-traffic analysis (or one from a monitor-service older than rollouts). */
    public AnomalyDetectedEvent(String eventId, String chainId, String anomalyId, String deploymentId, String service,
                                String environment, String version, String metric, double threshold,
                                List<Double> observedValues, String detector, String rule, String rollbackId) {
        this(eventId, chainId, anomalyId, deploymentId, service, environment, version, metric, threshold, observedValues,
                detector, rule, rollbackId, null);
    }

    public static AnomalyDetectedEvent from(CloudEvent event) {
        JsonNode document = event.cdEvent().document();
        return new AnomalyDetectedEvent(event.id(), event.chainId(),
                EventFields.text(document, "/customData/anomalyId", 200),
                EventFields.text(document, "/customData/deploymentId", 200),
                EventFields.name(document, "/customData/service"),
                EventFields.name(document, "/customData/environment"),
                EventFields.text(document, "/customData/version", 200),
                EventFields.text(document, "/customData/metric", 100),
                number(document.at("/customData/threshold"), "/customData/threshold"),
                observedValues(document.at("/customData/observedValues")),
                EventFields.optionalText(document, "/customData/detector", 50),
                EventFields.optionalText(document, "/customData/rule", 500),
                EventFields.optionalText(document, "/customData/rollbackId", 200),
                rolloutStep(document.at("/customData/rolloutStep")),
                EventFields.optionalText(document, "/customData/analysisId", 200));
    }

    /** What the decision rules and the rollback policy look at. */
    public Failure failure() {
        return new Failure("anomaly", deploymentId, version, evidence(), rolloutStep);
    }

    /** The failing analysis was a rollout step's (a canary beside the stable version): the step's index. */
    public boolean ofRolloutStep() {
        return rolloutStep != null;
    }

    private static Integer rolloutStep(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
            throw new MalformedEventException("field '/customData/rolloutStep' must be a non-negative integer");
        }
        return node.intValue();
    }

    /** The anomaly is a relapse: the version a rollback restored failed its analysis after that rollback. */
    public boolean afterRollback() {
        return rollbackId != null;
    }

    /** The evidence in one line, e.g. {@code error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0}. */
    public String evidence() {
        if (detector != null && !"threshold".equals(detector) && rule != null) {
            // canary and cusum state their own rule (a p-value, a CUSUM sum), not "above a threshold"
            return rule + " (" + detector + ": " + observedValues.stream().limit(SHOWN_VALUES)
                    .map(AnomalyDetectedEvent::plain).collect(Collectors.joining(", "))
                    + (observedValues.size() > SHOWN_VALUES ? ", ..." : "") + ") on " + version;
        }
        String shown = observedValues.stream().limit(SHOWN_VALUES).map(AnomalyDetectedEvent::plain)
                .collect(Collectors.joining(", "));
        if (observedValues.size() > SHOWN_VALUES) {
            shown += ", ...";
        }
        return metric + " above " + plain(threshold) + " for " + observedValues.size() + " consecutive sample"
                + (observedValues.size() == 1 ? "" : "s") + " (" + shown + ") on " + version;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static double number(JsonNode node, String pointer) {
        if (!node.isNumber()) {
            throw new MalformedEventException("missing or non-numeric field '" + pointer + "'");
        }
        return node.doubleValue();
    }

    private static List<Double> observedValues(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw new MalformedEventException("field '/customData/observedValues' must be a non-empty array of numbers");
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            values.add(number(node.get(i), "/customData/observedValues/" + i));
        }
        return List.copyOf(values);
    }
}
