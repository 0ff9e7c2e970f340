package dev.lifeguard.postmortem;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One line of the platform's audit trail, as a service recorded it on {@code lifeguard.audit}: who (a token's subject,
 * or {@code service:<name>}) did what to which target, when, and how it ended. Written once per audit event, never
 * changed; removed when older than the retention.
 */
@Entity
@Table(name = "audit_entry")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @Column(name = "event_id", length = 200)
    public String eventId;

    @Column(nullable = false)
    public OffsetDateTime at;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 300)
    public String actor;

    @Column(name = "actor_kind", nullable = false, length = 20)
    public String actorKind;

    /** Comma-separated, sorted. */
    @Column(nullable = false, length = 200)
    public String roles;

    /** Comma-separated, sorted. */
    @Column(nullable = false, columnDefinition = "text")
    public String teams;

    @Column(nullable = false, length = 500)
    public String action;

    @Column(nullable = false, columnDefinition = "text")
    public String target;

    @Column(nullable = false, length = 100)
    public String outcome;

    public Integer status;

    @Column(columnDefinition = "text")
    public String detail;

    @Column(name = "source_address", length = 100)
    public String sourceAddress;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;
}
