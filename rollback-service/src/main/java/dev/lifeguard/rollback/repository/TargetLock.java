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

    /**
     * Serialises the requests that carry one {@code Idempotency-Key}, whatever their target, so a key is never
     * used for two decisions. Take it before the target lock: always in that order, so two requests cannot
     * each hold what the other waits for.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockIdempotencyKey(String idempotencyKey) {
        entityManager.createNativeQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .setParameter("key", "idempotency-key:" + idempotencyKey)
                .getSingleResult();
    }

    /**
     * Serialises the decisions of one environment, so two instances count the same automatic rollbacks for the storm
     * guard. Take it after the target lock: always in that order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockEnvironment(String environment) {
        entityManager.createNativeQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .setParameter("key", "environment:" + environment)
                .getSingleResult();
    }
}
