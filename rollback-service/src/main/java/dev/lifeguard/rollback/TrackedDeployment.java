package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A deployment as deploy-service announced it: the facts a rollback decision rests on. */
@Entity
@Table(name = "tracked_deployment")
public class TrackedDeployment extends PanacheEntityBase {

    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    /** The rollback target deploy-service computed when this deployment started; null when there is none. */
    @Column(name = "stable_version", length = 200)
    public String stableVersion;

    @Column(name = "chain_id", length = 200)
    public String chainId;

    /** The service.deployed / service.upgraded event that announced it. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public DeploymentStatus status;

    @Column(name = "deployed_at", nullable = false)
    public OffsetDateTime deployedAt;

    @Column(name = "status_changed_at", nullable = false)
    public OffsetDateTime statusChangedAt;

    /** The version a rollback of this deployment went back to; null unless it was rolled back. */
    @Column(name = "rolled_back_to", length = 200)
    public String rolledBackTo;

    /** For a deployment rolled out in steps: canary or blue-green; null for one that took all traffic at once. */
    @Column(name = "rollout_strategy", length = 20)
    public String rolloutStrategy;

    /** The index of the newest rollout step heard of (0-based, as in the rollout events). */
    @Column(name = "rollout_step")
    public Integer rolloutStep;

    /** The share of traffic (percent) the new version takes at that step. */
    @Column(name = "rollout_weight")
    public Integer rolloutWeight;

    public boolean isRunning() {
        return status == DeploymentStatus.RUNNING;
    }
}
