package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.Anomaly;
import dev.lifeguard.monitor.WatchedDeployment;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the {@code incident.detected} event that announces an anomaly, its evidence in customData. */
@ApplicationScoped
public class AnomalyEvents {

    private final ObjectMapper mapper;
    private final MonitorConfig config;

    public AnomalyEvents(ObjectMapper mapper, MonitorConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** Same chain as the deployment, linked to the deployment event that triggered the verification. */
    public CloudEvent detected(Anomaly anomaly, WatchedDeployment deployment) {
        ObjectNode content = mapper.createObjectNode();
        content.put("description", anomaly.description);
        content.putObject("environment").put("id", anomaly.environment);
        content.putObject("service").put("id", anomaly.service);
        content.put("artifactId", deployment.artifactId);

        ObjectNode evidence = mapper.createObjectNode();
        evidence.put("anomalyId", anomaly.id);
        evidence.put("deploymentId", anomaly.deploymentId);
        evidence.put("service", anomaly.service);
        evidence.put("environment", anomaly.environment);
        evidence.put("version", anomaly.version);
        evidence.put("rule", anomaly.rule);
        evidence.put("metric", anomaly.metric);
        evidence.put("threshold", anomaly.threshold);
        if (anomaly.consecutiveSamples != null) {
            evidence.put("consecutiveSamples", anomaly.consecutiveSamples);
        }
        anomaly.observedValues.forEach(evidence.putArray("observedValues")::add);
        // Instant always prints the seconds (OffsetDateTime drops ":00", which RFC 3339 does not allow).
        evidence.put("firstSampleAt", anomaly.firstSampleAt.toInstant().toString());
        evidence.put("lastSampleAt", anomaly.lastSampleAt.toInstant().toString());

        return CdEventBuilder.event(EventTypes.INCIDENT_DETECTED)
                .id(anomaly.eventId)
                .source(config.eventSource())
                .chainId(deployment.chainId)
                .triggeredBy(deployment.eventId)
                .subjectId(anomaly.id)
                .cloudEventSubject(deployment.key())
                .time(anomaly.detectedAt)
                .content(content)
                .customData(evidence)
                .build(mapper);
    }
}
