package dev.lifeguard.deploy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * The rollout of one gated or progressive deployment (canary, blue-green, or an all-at-once released from the gate):
 * its phase, its current step and weight, the steps' history (JSON), and its gate. Executor calls are claimed like
 * rollbacks: due at {@link #nextAttemptAt}, held by one instance until {@link #claimedUntil}.
 */
@Entity
@Table(name = "rollout")
public class Rollout extends ClaimedExecution {

    /** Held by the redeploy gate. */
    public static final String GATED = "GATED";
    /** An executor call ({@link #pendingAction}) is due or running. */
    public static final String STEPPING = "STEPPING";
    /** A pause step: its analysis runs, the verdict decides. */
    public static final String ANALYSING = "ANALYSING";
    /** Waits for a person (promote / resume / abort). */
    public static final String PAUSED = "PAUSED";
    public static final String ABORTING = "ABORTING";
    public static final String ABORTED = "ABORTED";
    /** The abort's executor calls failed: traffic may still reach the new version. */
    public static final String ABORT_FAILED = "ABORT_FAILED";
    public static final String PROMOTED = "PROMOTED";
    /** A newer deployment of the target replaced it while it was gated. */
    public static final String SUPERSEDED = "SUPERSEDED";
    /** Phases in which the new version may take traffic and the rollout still needs a decision. */
    public static final Set<String> IN_PROGRESS = Set.of(STEPPING, ANALYSING, PAUSED, ABORTING, ABORT_FAILED);

    @Id
    @Column(name = "deployment_id", length = 64)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, columnDefinition = "TEXT")
    public String strategy;

    @Column(nullable = false, length = 20)
    public String phase;

    /** The step running now (-1 before the first). */
    @Column(name = "step_index", nullable = false)
    public int stepIndex;

    @Column(name = "step_count", nullable = false)
    public int stepCount;

    /** Share of traffic (percent) the new version has now. */
    @Column(nullable = false)
    public int weight;

    /** SET_WEIGHT or PROMOTE while STEPPING. */
    @Column(name = "pending_action", length = 20)
    public String pendingAction;

    /** When a pause step without its verdict pauses the rollout ("no verdict"). */
    @Column(name = "step_deadline")
    public OffsetDateTime stepDeadline;

    @Column(name = "paused_reason", length = 2000)
    public String pausedReason;

    @Column(name = "paused_by", length = 20)
    public String pausedBy;

    /** steps, person, auto or gate: who the coming (or done) promotion is by. */
    @Column(name = "promoted_by", length = 20)
    public String promotedBy;

    /** The person behind the last action, when a person asked. */
    @Column(name = "requested_by", length = 200)
    public String requestedBy;

    /** The deployment that keeps the rest of the traffic (current when the rollout started). */
    @Column(name = "stable_deployment_id", length = 64)
    public String stableDeploymentId;

    /** Each step's history: a JSON array of {index, kind, weight, duration, startedAt, endedAt, analysisId, verdict, verdictReason}. */
    @Column(nullable = false, columnDefinition = "TEXT")
    public String steps;

    @Column(name = "abort_rollback_id", length = 200)
    public String abortRollbackId;

    /** The last rollout event published: the next one links to it. */
    @Column(name = "last_event_id", length = 200)
    public String lastEventId;

    /** GATED or RELEASED; null when the gate did not apply. */
    @Column(name = "gate_status", length = 20)
    public String gateStatus;

    @Column(name = "gate_reason", length = 2000)
    public String gateReason;

    @Column(name = "gate_rollback_id", length = 200)
    public String gateRollbackId;

    /** JSON array. */
    @Column(name = "required_suites", columnDefinition = "TEXT")
    public String requiredSuites;

    @Column(name = "released_by", length = 20)
    public String releasedBy;

    @Column(name = "released_at")
    public OffsetDateTime releasedAt;

    @Column(name = "override_reason", length = 2000)
    public String overrideReason;

    @Column(name = "overridden_by", length = 200)
    public String overriddenBy;

    /** JSON object: the evidence that released it. */
    @Column(columnDefinition = "TEXT")
    public String evidence;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public boolean inProgress() {
        return IN_PROGRESS.contains(phase);
    }
}
