package dev.lifeguard.postmortem;

import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.ServiceRolledBack;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A failed deployment as one story: opened by the anomaly of a chain, completed by the chain's deployment
 * (whenever it arrives) and resolved by its rollback. The aggregate postmortem-service owns.
 */
@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String id;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public IncidentStatus status;

    /** The version whose deployment went bad. */
    @Column(name = "trigger_version", columnDefinition = "text")
    public String triggerVersion;

    /** When the anomaly was detected. */
    @Column(name = "opened_at", nullable = false)
    public OffsetDateTime openedAt;

    @Column(name = "deployment_event_id", length = 200)
    public String deploymentEventId;

    @Column(name = "deployment_id", columnDefinition = "text")
    public String deploymentId;

    @Column(name = "deployed_at")
    public OffsetDateTime deployedAt;

    @Column(name = "previous_version", columnDefinition = "text")
    public String previousVersion;

    @Column(name = "commit_sha", columnDefinition = "text")
    public String commit;

    @Column(name = "change_url", columnDefinition = "text")
    public String changeUrl;

    @Column(columnDefinition = "text")
    public String team;

    @Column(name = "ci_event_id", columnDefinition = "text")
    public String ciEventId;

    @Column(name = "anomaly_event_id", nullable = false, length = 200)
    public String anomalyEventId;

    @Column(name = "anomaly_id", columnDefinition = "text")
    public String anomalyId;

    @Column(name = "detection_rule", columnDefinition = "text")
    public String detectionRule;

    @Column(name = "detection_metric", columnDefinition = "text")
    public String detectionMetric;

    @Column(name = "detection_threshold")
    public Double detectionThreshold;

    /** As shown to people: "0.21, 0.34, 0.4". */
    @Column(name = "observed_values", columnDefinition = "text")
    public String observedValues;

    @Column(name = "first_bad_sample_at")
    public OffsetDateTime firstBadSampleAt;

    @Column(name = "last_bad_sample_at")
    public OffsetDateTime lastBadSampleAt;

    /** The {@code service.rolledback} event that resolved it; what incident.resolved links to. */
    @Column(name = "rollback_event_id", length = 200)
    public String rollbackEventId;

    /** The rollback decision rollback-service made. */
    @Column(name = "rollback_id", columnDefinition = "text")
    public String rollbackId;

    @Column(name = "restored_version", columnDefinition = "text")
    public String restoredVersion;

    @Column(name = "restored_artifact_id", columnDefinition = "text")
    public String restoredArtifactId;

    @Column(name = "resolution_reason", columnDefinition = "text")
    public String resolutionReason;

    @Column(name = "rollback_executor", columnDefinition = "text")
    public String rollbackExecutor;

    @Column(name = "resolved_at")
    public OffsetDateTime resolvedAt;

    public static Incident open(String id, ChainEvent event, AnomalyDetected anomaly) {
        Incident incident = new Incident();
        incident.id = id;
        incident.chainId = event.chainId();
        incident.service = event.service();
        incident.environment = event.environment();
        incident.status = IncidentStatus.OPEN;
        incident.triggerVersion = anomaly.version();
        incident.openedAt = event.time();
        incident.anomalyEventId = event.id();
        incident.anomalyId = anomaly.anomalyId();
        incident.detectionRule = anomaly.rule();
        incident.detectionMetric = anomaly.metric();
        incident.detectionThreshold = anomaly.threshold();
        incident.observedValues = anomaly.observedValuesText();
        incident.firstBadSampleAt = anomaly.firstSampleAt();
        incident.lastBadSampleAt = anomaly.lastSampleAt();
        return incident;
    }

    /** Records the chain's deployment; the first one reported wins, whether it came before or after the anomaly. */
    public void attachDeployment(ChainEvent event, DeploymentReported deployment) {
        if (deploymentEventId != null) {
            return;
        }
        deploymentEventId = event.id();
        deploymentId = deployment.deploymentId();
        deployedAt = event.time();
        previousVersion = deployment.previousVersion();
        commit = deployment.commit();
        changeUrl = deployment.changeUrl();
        team = deployment.team();
        ciEventId = deployment.ciEventId();
    }

    /** OPEN becomes RESOLVED once; false when the incident was resolved already. */
    public boolean resolve(ChainEvent event, ServiceRolledBack rollback) {
        if (status == IncidentStatus.RESOLVED) {
            return false;
        }
        status = IncidentStatus.RESOLVED;
        rollbackEventId = event.id();
        rollbackId = rollback.rollbackId();
        restoredVersion = rollback.toVersion();
        restoredArtifactId = rollback.artifactId();
        resolutionReason = rollback.reason();
        rollbackExecutor = rollback.executor();
        resolvedAt = event.time();
        return true;
    }

    public String key() {
        return service + "/" + environment;
    }
}
