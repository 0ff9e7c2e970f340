package dev.lifeguard.support.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * An event written in the same transaction as the state change that caused it, waiting for the relay. The relay
 * reads and updates these rows with SQL of its own; the entity serves {@link Outbox} and the outbox API.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(nullable = false, length = 249)
    public String topic;

    @Column(name = "record_key", length = 500)
    public String recordKey;

    @Column(name = "event_type", nullable = false, length = 200)
    public String eventType;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "sent_at")
    public OffsetDateTime sentAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public OutboxStatus status;

    /** Failed sends counted towards parking (only those while the broker was reachable). */
    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public OffsetDateTime nextAttemptAt;

    @Column(name = "last_error", length = 2000)
    public String lastError;

    @Column(name = "parked_at")
    public OffsetDateTime parkedAt;

    /** The instance sending it right now; its claim ends at {@link #claimedUntil}. */
    @Column(name = "claimed_by", length = 200)
    public String claimedBy;

    @Column(name = "claimed_until")
    public OffsetDateTime claimedUntil;
}
