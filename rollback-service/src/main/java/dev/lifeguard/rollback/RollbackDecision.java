package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A decision about a deployment: the one taken for the anomalies it raised, or a manual rollback a person asked
 * for. The aggregate rollback-service owns.
 */
@Entity
@Table(name = "rollback_decision")
public class RollbackDecision extends PanacheEntityBase {

    /** Also the subject id of the rollback request, so deploy-service executes each decision once. */
    @Id
    @Column(length = 64)
    public String id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "deployment_id", nullable = false, length = 200)
    public String deploymentId;

    @Column(name = "from_version", nullable = false, length = 200)
    public String fromVersion;

    /** The version to roll back to; null when skipped. */
    @Column(name = "to_version", length = 200)
    public String toVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public Decision decision;

    @Column(nullable = false, length = 2000)
    public String reason;

    /** The anomaly decided on; null for a manual rollback. */
    @Column(name = "anomaly_id", length = 200)
    public String anomalyId;

    @Column(name = "anomaly_event_id", length = 200)
    public String anomalyEventId;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    @Column(name = "decided_at", nullable = false)
    public OffsetDateTime decidedAt;

    /** Who asked for a manual rollback, as they named themselves; null when not said or not manual. */
    @Column(name = "requested_by", length = 200)
    public String requestedBy;

    /** The {@code Idempotency-Key} of the manual rollback request that made the decision, if it had one. */
    @Column(name = "idempotency_key", length = 200)
    public String idempotencyKey;

    /** SHA-256 of that request's fields: a key sent again with other fields is refused. */
    @Column(name = "request_fingerprint", length = 64)
    public String requestFingerprint;

    /** What deploy-service reported about executing the request; null until it reports. */
    @Enumerated(EnumType.STRING)
    @Column(length = 20)
    public Execution execution;

    @Column(name = "execution_detail", length = 2000)
    public String executionDetail;

    public String key() {
        return service + "/" + environment;
    }
}
