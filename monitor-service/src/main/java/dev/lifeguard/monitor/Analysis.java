package dev.lifeguard.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One analysis of a deployment as the REST API shows it: the read model of the engine's progress snapshots (every
 * instance's engine writes its own targets' rows; any instance answers for all). {@code metrics} is the per-metric
 * JSON of the latest snapshot; {@code revision} lets an older snapshot never overwrite a newer one. A deployment has
 * one analysis when it starts and one more each time a rollback restores it ({@code rollbackId}); a deployment rolled
 * out in steps has one per analysed step before that ({@code rolloutStep}).
 */
@Entity
@Table(name = "analysis")
public class Analysis extends PanacheEntityBase {

    /**
     * The deployment id, or for an analysis after a rollback the deployment id @ the rollback's id, or for a rollout
     * step's the deployment id # the step's index.
     */
    @Id
    @Column(name = "analysis_id", length = 400)
    public String analysisId;

    @Column(name = "deployment_id", nullable = false, length = 200)
    public String deploymentId;

    /** Set when a rollback restored the deployment and this analysis judges it again. */
    @Column(name = "rollback_id", length = 200)
    public String rollbackId;

    /** Set for a rollout step's analysis: the step's index. */
    @Column(name = "rollout_step")
    public Integer rolloutStep;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(name = "stable_version", length = 200)
    public String stableVersion;

    /** RUNNING, PASSED, FAILED or INCONCLUSIVE. */
    @Column(nullable = false, length = 20)
    public String status;

    @Column(nullable = false)
    public long samples;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    @Column(name = "ends_at", nullable = false)
    public OffsetDateTime endsAt;

    @Column(name = "ended_at")
    public OffsetDateTime endedAt;

    @Column(name = "ended_by", length = 30)
    public String endedBy;

    @Column(length = 4000)
    public String reason;

    @Column(nullable = false, columnDefinition = "text")
    public String metrics;

    @Column(nullable = false)
    public long revision;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
