package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One version of a service deployed to one environment: the aggregate deploy-service owns. */
@Entity
@Table(name = "deployment")
public class Deployment extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(name = "artifact_id", nullable = false, length = 1000)
    public String artifactId;

    @Column(length = 100)
    public String team;

    @Column(name = "commit_sha", length = 100)
    public String commit;

    @Column(name = "change_url", length = 2000)
    public String changeUrl;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    /** The CI event that reported it; null when it came over REST. */
    @Column(name = "ci_event_id", length = 200)
    public String ciEventId;

    /** The {@code Idempotency-Key} of the REST request that reported it, if any. */
    @Column(name = "request_key", length = 200)
    public String requestKey;

    /** The canonical event deploy-service published for it; what later events link to. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public DeploymentStatus status;

    @Column(name = "deployed_at", nullable = false)
    public OffsetDateTime deployedAt;

    @Column(name = "status_changed_at", nullable = false)
    public OffsetDateTime statusChangedAt;

    @Column(name = "status_reason", length = 2000)
    public String statusReason;

    /** What runs now in its environment; at most one per service and environment. */
    @Column(name = "is_current", nullable = false)
    public boolean current;

    /** An anomaly or a failed analysis named it: never a rollback target. */
    @Column(nullable = false)
    public boolean flagged;

    /** The last analysis verdict (PASSED, FAILED, INCONCLUSIVE), null before one arrived. */
    @Column(length = 20)
    public String verdict;

    @Column(name = "verdict_reason", length = 2000)
    public String verdictReason;

    /** The container image, when CI named one or the package URL gives one. */
    @Column(length = 1000)
    public String image;

    /** Reported after a newer deployment of its target: history only. */
    @Column(nullable = false)
    public boolean late;

    /** When the report reached Lifeguard; {@link #deployedAt} is the time CI reported. */
    @Column(name = "reported_at", nullable = false)
    public OffsetDateTime reportedAt;

    /**
     * When a rollout (or a release from the gate) gave it all traffic; null for a deployment CI reported as done.
     * Its bake counts from here, not from {@link #deployedAt}: before it, it shared traffic with the stable version.
     */
    @Column(name = "promoted_at")
    public OffsetDateTime promotedAt;

    /** Since when it takes all traffic: its promotion, else the time CI reported. */
    public OffsetDateTime allTrafficSince() {
        return promotedAt != null ? promotedAt : deployedAt;
    }

    /** Its strategy, normalised JSON ({@code {"type":"all-at-once"}} when none applied); null for older rows. */
    @Column(columnDefinition = "TEXT")
    public String strategy;

    /** Why the strategy is not the one asked for (e.g. no current version to compare a canary with). */
    @Column(name = "strategy_note", length = 500)
    public String strategyNote;

    /** The incident ids it says it fixes, a JSON array; null when none. */
    @Column(columnDefinition = "TEXT")
    public String fixes;

    /** Whether a rollback may go back to it: passed its analysis (or baked), or was replaced unflagged. */
    public boolean isRollbackTarget() {
        return !flagged && !late && (status == DeploymentStatus.STABLE || status == DeploymentStatus.SUPERSEDED);
    }

    public void changeStatus(DeploymentStatus newStatus, OffsetDateTime at, String reason) {
        status = newStatus;
        statusChangedAt = at;
        statusReason = reason == null || reason.length() <= 2000 ? reason : reason.substring(0, 1997) + "...";
    }

    public String key() {
        return service + "/" + environment;
    }
}
