package dev.lifeguard.notify;

import dev.lifeguard.notify.event.Decision;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * How a rollback decision that waited for a person was last settled: approved or rejected by someone, or held or
 * rolled back by the approval timeout ({@code settledBy} "timeout"). An approval request read after it must not ask
 * again.
 */
@Entity
@Table(name = "decision_settlement")
// keyed like the rollback outcomes: a rollback id is only trusted to be unique within its target
@IdClass(RollbackOutcome.Key.class)
public class DecisionSettlement extends PanacheEntityBase {

    @Id
    @Column(nullable = false, length = 100)
    public String service;

    @Id
    @Column(nullable = false, length = 100)
    public String environment;

    @Id
    @Column(name = "rollback_id", length = 200)
    public String rollbackId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public Decision decision;

    @Column(name = "settled_by", columnDefinition = "text")
    public String settledBy;

    @Column(name = "settle_reason", columnDefinition = "text")
    public String settleReason;

    /** The decided event that reported it. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    /** When rollback-service settled it (the event's time): the latest settlement wins, whatever the arrival order. */
    @Column(name = "settled_at", nullable = false)
    public OffsetDateTime settledAt;

    @Column(name = "recorded_at", nullable = false)
    public OffsetDateTime recordedAt;

    /** Settled by a person (approved or rejected) rather than by the approval timeout. */
    public boolean byAPerson() {
        return decision.settlesAnApproval();
    }
}
