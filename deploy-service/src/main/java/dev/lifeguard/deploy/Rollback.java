package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A rollback request and what deploy-service did with it. */
@Entity
@Table(name = "rollback")
public class Rollback extends PanacheEntityBase {

    /** The id rollback-service gave the request; one execution per request. */
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

    @Column(name = "to_version", nullable = false, length = 200)
    public String toVersion;

    @Column(nullable = false, length = 2000)
    public String reason;

    /** EXECUTED, or SKIPPED with {@link #outcomeDetail} saying why. */
    @Column(nullable = false, length = 20)
    public String outcome;

    @Column(name = "outcome_detail", length = 2000)
    public String outcomeDetail;

    @Column(length = 100)
    public String executor;

    @Column(name = "requested_at", nullable = false)
    public OffsetDateTime requestedAt;
}
