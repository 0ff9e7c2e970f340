package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** The one decision taken for an anomalous deployment: the aggregate rollback-service owns. */
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

    @Column(name = "anomaly_id", nullable = false, length = 200)
    public String anomalyId;

    @Column(name = "anomaly_event_id", nullable = false, length = 200)
    public String anomalyEventId;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    @Column(name = "decided_at", nullable = false)
    public OffsetDateTime decidedAt;

    public String key() {
        return service + "/" + environment;
    }
}
