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
import java.util.List;
import java.util.Optional;

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
        row.status = OutboxStatus.PENDING;
        row.nextAttemptAt = row.createdAt;
        entityManager.persist(row);
        queued.fire(OutboxRelay.EventsQueued.INSTANCE);
    }

    /** Rows in one status (or every row not sent yet), oldest first. */
    @Transactional
    public List<OutboxEvent> list(Optional<OutboxStatus> status, int limit) {
        return entityManager.createQuery(status.isPresent()
                                ? "from OutboxEvent where status = :status order by id"
                                : "from OutboxEvent where sentAt is null and status <> :status order by id",
                        OutboxEvent.class)
                .setParameter("status", status.orElse(OutboxStatus.SENT))
                .setMaxResults(limit)
                .getResultList();
    }

    @Transactional
    public Optional<OutboxEvent> find(long id) {
        return Optional.ofNullable(entityManager.find(OutboxEvent.class, id));
    }

    /**
     * Puts a parked row (or one waiting out its backoff) back in line now, with a fresh attempt count, once the
     * operator fixed the cause. Returns the row, or empty when it was sent meanwhile.
     */
    @Transactional
    public Optional<OutboxEvent> retryNow(long id) {
        OutboxEvent row = entityManager.find(OutboxEvent.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (row == null || row.status == OutboxStatus.SENT) {
            return Optional.empty();
        }
        row.status = OutboxStatus.PENDING;
        row.attempts = 0;
        row.parkedAt = null;
        row.nextAttemptAt = OffsetDateTime.now(ZoneOffset.UTC);
        queued.fire(OutboxRelay.EventsQueued.INSTANCE);
        return Optional.of(row);
    }
}
