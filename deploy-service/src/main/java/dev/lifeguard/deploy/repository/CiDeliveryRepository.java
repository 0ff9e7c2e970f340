package dev.lifeguard.deploy.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;

/** The CI webhook's memory of deliveries: which (source, delivery id) and event ids it has already accepted. */
@ApplicationScoped
public class CiDeliveryRepository {

    private final EntityManager entityManager;

    public CiDeliveryRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Records a delivery unless its delivery id (for that source) or its event id was recorded before. A concurrent
     * insert of the same keys makes this wait for the other transaction, then report a duplicate if it committed.
     *
     * @return true when this is the first delivery
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean recordFirst(String source, String deliveryId, String eventId, String eventType,
                               OffsetDateTime receivedAt) {
        return entityManager.createNativeQuery("""
                        INSERT INTO ci_webhook_delivery (source, delivery_id, event_id, event_type, received_at)
                        VALUES (:source, :deliveryId, :eventId, :eventType, :receivedAt)
                        ON CONFLICT DO NOTHING""")
                .setParameter("source", source)
                .setParameter("deliveryId", deliveryId)
                .setParameter("eventId", eventId)
                .setParameter("eventType", eventType)
                .setParameter("receivedAt", receivedAt)
                .executeUpdate() == 1;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public int deleteReceivedBefore(OffsetDateTime before) {
        return entityManager.createNativeQuery("DELETE FROM ci_webhook_delivery WHERE received_at < :before")
                .setParameter("before", before)
                .executeUpdate();
    }
}
