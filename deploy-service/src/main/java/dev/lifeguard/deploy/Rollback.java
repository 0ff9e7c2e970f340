package dev.lifeguard.deploy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Set;

/** A rollback request and its execution: accepted in one transaction, executed outside it, settled in another. */
@Entity
@Table(name = "rollback")
public class Rollback extends ClaimedExecution {

    public static final String EXECUTING = "EXECUTING";
    public static final String EXECUTED = "EXECUTED";
    public static final String ACCEPTED = "ACCEPTED";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";
    /** Waiting for the executor, or for the platform to report completion. */
    public static final Set<String> OPEN = Set.of(EXECUTING, ACCEPTED);

    /** The id rollback-service gave the request ({@code ci-<event id>} for a rollback CI reported); one execution each. */
    @Id
    @Column(length = 200)
    public String id;

    @Column(name = "deployment_id", nullable = false, length = 64)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "from_version", nullable = false, length = 200)
    public String fromVersion;

    /** The version it goes back to; null when none was found (SKIPPED). */
    @Column(name = "to_version", length = 200)
    public String toVersion;

    @Column(nullable = false, length = 2000)
    public String reason;

    /** EXECUTING, EXECUTED, ACCEPTED, FAILED or SKIPPED, with {@link #outcomeDetail} saying what happened. */
    @Column(nullable = false, length = 20)
    public String outcome;

    @Column(name = "outcome_detail", length = 2000)
    public String outcomeDetail;

    @Column(length = 100)
    public String executor;

    @Column(name = "requested_at", nullable = false)
    public OffsetDateTime requestedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @Column(name = "restored_deployment_id", length = 64)
    public String restoredDeploymentId;

    @Column(name = "chain_id", length = 200)
    public String chainId;

    /** The event that asked for it; the events it causes link to it. */
    @Column(name = "request_event_id", length = 200)
    public String requestEventId;

    /** Who reported it done: executor, ci or person. */
    @Column(name = "reported_by", length = 20)
    public String reportedBy;

    /** An abort of a rollout: executed with the executor's abort step; the stable deployment stays current. */
    @Column(name = "rollout_abort", nullable = false)
    public boolean rolloutAbort;

    public boolean isOpen() {
        return OPEN.contains(outcome);
    }

    public void settle(String newOutcome, String detail, OffsetDateTime at) {
        outcome = newOutcome;
        outcomeDetail = detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 1997) + "...";
        finishedAt = at;
        claimedUntil = null;
        nextAttemptAt = null;
    }
}
