package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * An anomaly that arrived before the event of its deployment. It waits here, one per deployment, until
 * that event arrives or {@code lifeguard.rollback.pending-anomaly-timeout} passes.
 */
@Entity
@Table(name = "pending_anomaly")
public class PendingAnomaly extends PanacheEntityBase {

    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "anomaly_event_id", nullable = false, length = 200)
    public String anomalyEventId;

    /** The anomaly as read from its event, in JSON, to be decided on later. */
    @Column(nullable = false, columnDefinition = "text")
    public String anomaly;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;
}
