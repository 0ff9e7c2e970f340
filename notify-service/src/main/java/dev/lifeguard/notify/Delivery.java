package dev.lifeguard.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * One notification for one subscription: the exact body to POST, recorded in the transaction that consumed
 * the event, before any attempt, so a crash loses nothing. Its id is the notification id (the published
 * event's {@code subject.id}) and the {@code Idempotency-Key} the channel sees on every attempt.
 */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String id;

    /** Not a foreign key: the history outlives a deleted subscription. */
    @Column(name = "subscription_id", nullable = false, length = 64)
    public String subscriptionId;

    @Column(nullable = false, length = 100)
    public String team;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "channel_type", nullable = false, length = 20)
    public String channelType;

    /** The event this notification is about. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(name = "event_type", nullable = false, length = 200)
    public String eventType;

    @Column(nullable = false, columnDefinition = "text")
    public String body;

    /** A {@link dev.lifeguard.notify.channel.NotificationContent.Urgency#label()}; channels may send it as a header. */
    @Column(nullable = false, length = 20)
    public String urgency = "normal";

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public DeliveryStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    /** Never holds the channel URL: errors are redacted before they are stored. */
    @Column(name = "last_error", length = 2000)
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "delivered_at")
    public OffsetDateTime deliveredAt;
}
