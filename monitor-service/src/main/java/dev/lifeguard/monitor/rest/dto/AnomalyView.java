package dev.lifeguard.monitor.rest.dto;

import dev.lifeguard.monitor.Anomaly;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * An anomaly and its evidence, as in the customData of its {@code incident.detected} event; {@code analysisId} and
 * {@code rolloutStep} name the failing analysis (a rollout step's when {@code rolloutStep} is set).
 */
public record AnomalyView(String id, String deploymentId, String analysisId, Integer rolloutStep, String service, String environment, String version,
                          String description, String rule, String metric, String detector, double threshold, Double statistic,
                          Integer consecutiveSamples, List<Double> observedValues, OffsetDateTime firstSampleAt,
                          OffsetDateTime lastSampleAt, OffsetDateTime detectedAt, String chainId, String eventId) {

    public static AnomalyView of(Anomaly anomaly) {
        return new AnomalyView(anomaly.id, anomaly.deploymentId, anomaly.analysisId, anomaly.rolloutStep, anomaly.service, anomaly.environment, anomaly.version,
                anomaly.description, anomaly.rule, anomaly.metric, anomaly.detector, anomaly.threshold, anomaly.statistic,
                anomaly.consecutiveSamples,
                anomaly.observedValues, anomaly.firstSampleAt, anomaly.lastSampleAt, anomaly.detectedAt,
                anomaly.chainId, anomaly.eventId);
    }
}
