package dev.lifeguard.support.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Remembers which events a consumer has handled, in the consumer's own transaction, so a redelivered
 * event is recognised and skipped instead of applied twice.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final EntityManager entityManager;

    public ProcessedEvents(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Records the event for this consumer; false means it had been processed before. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markProcessed(String consumer, String eventId) {
        int inserted = entityManager.createNativeQuery(
                        "INSERT INTO processed_event (consumer, event_id, processed_at) VALUES (:consumer, :eventId, now()) "
                                + "ON CONFLICT DO NOTHING")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .executeUpdate();
        return inserted == 1;
    }
}
