package dev.lifeguard.rollback.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Serialises the work on one service/environment across the two consumers and the pending-anomaly
 * expiry. Without it, an anomaly and its deployment arriving at the same moment could each miss the
 * other and leave the anomaly waiting for nothing. The lock is released when the transaction ends.
 */
@ApplicationScoped
public class TargetLock {

    private final EntityManager entityManager;

    public TargetLock(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String service, String environment) {
        entityManager.createNativeQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended(:target, 0))")
                .setParameter("target", service + "/" + environment)
                .getSingleResult();
    }
}
