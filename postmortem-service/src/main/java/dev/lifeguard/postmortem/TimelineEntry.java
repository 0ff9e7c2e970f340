package dev.lifeguard.postmortem;

import dev.lifeguard.postmortem.event.ChainEvent;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One event of a chain, whichever stream it came from; the raw event is kept for re-reading. */
@Entity
@Table(name = "timeline_entry")
public class TimelineEntry extends PanacheEntityBase {

    /** Arrival order; orders entries whose event times are equal. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    /** The CloudEvent {@code time}: when it happened, not when it arrived here. */
    @Column(name = "event_time", nullable = false)
    public OffsetDateTime time;

    /** A {@link TimelineKind#label()}. */
    @Column(name = "entry_type", nullable = false, length = 40)
    public String type;

    /** The CloudEvents type. */
    @Column(name = "event_type", nullable = false, length = 200)
    public String eventType;

    @Column(nullable = false, columnDefinition = "text")
    public String summary;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    /** The event as structured-mode CloudEvent JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "recorded_at", nullable = false)
    public OffsetDateTime recordedAt;

    public static TimelineEntry of(ChainEvent event, String summary, String payload, OffsetDateTime recordedAt) {
        TimelineEntry entry = new TimelineEntry();
        entry.eventId = event.id();
        entry.chainId = event.chainId();
        entry.time = event.time();
        entry.type = event.details().kind().label();
        entry.eventType = event.cloudEvent().type();
        entry.summary = summary;
        entry.service = event.service();
        entry.environment = event.environment();
        entry.payload = payload;
        entry.recordedAt = recordedAt;
        return entry;
    }
}
