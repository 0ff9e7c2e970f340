package dev.lifeguard.support.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Queues an event for publication. It must run inside the transaction that changes the state the
 * event describes: both commit, or neither does. {@link OutboxRelay} publishes it afterwards.
 * One event may be queued for several topics (a team topic and the all-teams topic, say).
 */
@ApplicationScoped
public class Outbox {

    private final EntityManager entityManager;
    private final ObjectMapper mapper;
    private final Event<OutboxRelay.EventsQueued> queued;

    public Outbox(EntityManager entityManager, ObjectMapper mapper, Event<OutboxRelay.EventsQueued> queued) {
        this.entityManager = entityManager;
        this.mapper = mapper;
        this.queued = queued;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String topic, String key, CloudEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.id();
        row.topic = topic;
        row.recordKey = key;
        row.eventType = event.type();
        try {
            row.payload = mapper.writeValueAsString(event.toStructuredJson(mapper));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise event " + event.id(), e);
        }
        row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        entityManager.persist(row);
        queued.fire(OutboxRelay.EventsQueued.INSTANCE);
    }
}
