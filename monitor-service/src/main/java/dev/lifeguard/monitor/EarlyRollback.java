package dev.lifeguard.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A rollback of a deployment monitor-service has not heard of yet. Kept until the deployment's event arrives,
 * which then starts out rolled back: its window ends at the rollback and it raises no anomaly.
 */
@Entity
@Table(name = "early_rollback")
public class EarlyRollback extends PanacheEntityBase {

    /** deploy-service's id of the deployment that was rolled back. */
    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "rolled_back_at", nullable = false)
    public OffsetDateTime rolledBackAt;

    /** The service.rolledback event. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;
}
