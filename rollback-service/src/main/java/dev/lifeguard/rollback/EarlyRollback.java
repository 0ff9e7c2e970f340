package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A rollback announced before the deployment it took out (a replay, a mirrored topic). It is remembered here,
 * one per deployment, and applied when that deployment's event arrives: the deployment is then tracked as
 * rolled back instead of as the one running.
 */
@Entity
@Table(name = "early_rollback")
public class EarlyRollback extends PanacheEntityBase {

    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    /** The version the rollback went back to. */
    @Column(name = "to_version", nullable = false, length = 200)
    public String toVersion;

    /** The service.rolledback event that announced it. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;
}
