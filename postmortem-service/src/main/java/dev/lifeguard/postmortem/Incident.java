package dev.lifeguard.postmortem;

import dev.lifeguard.postmortem.event.AnomalyDetected;
import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.event.DeploymentReported;
import dev.lifeguard.postmortem.event.RollbackOutcome;
import dev.lifeguard.postmortem.event.RolloutReported;
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
 * (whenever it arrives) and resolved by its rollback. A rollback that failed, was skipped or waits for someone is
 * recorded but resolves nothing. The aggregate postmortem-service owns.
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

    /** executor, ci or person: who carried out the rollback that resolved it (null when the event did not say). */
    @Column(name = "rolled_back_by", columnDefinition = "text")
    public String rolledBackBy;

    /**
     * A {@link RollbackOutcome.Result#label()}: the newest thing deploy-service said about the chain's rollback short of
     * restoring a version. It never changes the status: a failed rollback leaves the incident open.
     */
    @Column(name = "rollback_outcome", length = 20)
    public String rollbackOutcome;

    @Column(name = "rollback_outcome_event_id", length = 200)
    public String rollbackOutcomeEventId;

    @Column(name = "rollback_outcome_at")
    public OffsetDateTime rollbackOutcomeAt;

    @Column(name = "rollback_outcome_rollback_id", columnDefinition = "text")
    public String rollbackOutcomeRollbackId;

    /** The version that was to be rolled back from; after a failure it still runs. */
    @Column(name = "rollback_outcome_from_version", columnDefinition = "text")
    public String rollbackOutcomeFromVersion;

    @Column(name = "rollback_outcome_to_version", columnDefinition = "text")
    public String rollbackOutcomeToVersion;

    @Column(name = "rollback_outcome_reason", columnDefinition = "text")
    public String rollbackOutcomeReason;

    @Column(name = "rollback_outcome_executor", columnDefinition = "text")
    public String rollbackOutcomeExecutor;

    @Column(name = "rollback_outcome_detail", columnDefinition = "text")
    public String rollbackOutcomeDetail;

    @Column(name = "rollback_outcome_attempts")
    public Integer rollbackOutcomeAttempts;

    /** Where a person reports an accepted rollback as done. */
    @Column(name = "rollback_complete_url", columnDefinition = "text")
    public String rollbackCompleteUrl;

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

    /**
     * True when the deployment was taken from the rollout's first traffic, its service.deployed/upgraded not (yet)
     * received.
     */
    @Column(name = "deployment_from_rollout", nullable = false)
    public boolean deploymentFromRollout;

    /**
     * Records the chain's deployment; the first one reported wins, whether it came before or after the anomaly, except
     * that one taken from the rollout gives way to the deployment event (keeping the rollout's earlier first traffic).
     */
    public void attachDeployment(ChainEvent event, DeploymentReported deployment) {
        if (deploymentEventId != null && !deploymentFromRollout) {
            return;
        }
        OffsetDateTime firstTraffic = deploymentFromRollout && deployedAt != null && deployedAt.isBefore(event.time())
                ? deployedAt : event.time();
        deploymentFromRollout = false;
        deploymentEventId = event.id();
        deploymentId = deployment.deploymentId();
        deployedAt = firstTraffic;
        previousVersion = deployment.previousVersion();
        commit = deployment.commit();
        changeUrl = deployment.changeUrl();
        team = deployment.team();
        ciEventId = deployment.ciEventId();
    }

    /**
     * A rollout step that gave the chain's version traffic stands for its deployment until (or unless) the
     * deployment event comes: the earliest such step wins.
     */
    public void attachRollout(ChainEvent event, RolloutReported rollout) {
        if (!rollout.takesTraffic() || deploymentEventId != null && !deploymentFromRollout
                || deploymentFromRollout && !event.time().isBefore(deployedAt)) {
            return;
        }
        deploymentFromRollout = true;
        deploymentEventId = event.id();
        deploymentId = rollout.deploymentId();
        deployedAt = event.time();
        previousVersion = rollout.stableVersion();
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
        rolledBackBy = rollback.reportedBy();
        resolvedAt = event.time();
        return true;
    }

    /**
     * Records a failed, skipped or accepted rollback unless a newer one (by event time; at the same instant the later
     * step of a rollback, then the greater event id) is recorded already, so that the result does not depend on the
     * order of arrival. The status never changes here: only a rollback that restored a version resolves.
     */
    public boolean noteRollbackOutcome(ChainEvent event, RollbackOutcome outcome) {
        RollbackOutcome.Result recorded = RollbackOutcome.Result.fromLabel(rollbackOutcome);
        if (recorded != null) {
            int byTime = event.time().toInstant().compareTo(rollbackOutcomeAt.toInstant());
            int byStep = outcome.result().compareTo(recorded);
            int byId = event.id().compareTo(rollbackOutcomeEventId);
            if (byTime < 0 || byTime == 0 && (byStep < 0 || byStep == 0 && byId <= 0)) {
                return false;
            }
        }
        rollbackOutcome = outcome.result().label();
        rollbackOutcomeEventId = event.id();
        rollbackOutcomeAt = event.time();
        rollbackOutcomeRollbackId = outcome.rollbackId();
        rollbackOutcomeFromVersion = outcome.fromVersion();
        rollbackOutcomeToVersion = outcome.toVersion();
        rollbackOutcomeReason = outcome.reason();
        rollbackOutcomeExecutor = outcome.executor();
        rollbackOutcomeDetail = outcome.detail();
        rollbackOutcomeAttempts = outcome.attempts();
        rollbackCompleteUrl = outcome.completeUrl();
        return true;
    }

    public String key() {
        return service + "/" + environment;
    }
}
