package dev.lifeguard.deploy.repository;

import jakarta.persistence.EntityManager;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Finds the next row an executor call is due for (rollbacks, rollout steps), shared by their repositories. */
final class DueRows {

    private DueRows() {
    }

    /**
     * The id of the next row of {@code table} in {@code state} whose call is due and not held by a live claim,
     * row-locked; rows other instances hold are skipped, so instances never wait on each other. Table and column
     * names are constants of the callers.
     */
    static Optional<String> lockNext(EntityManager entityManager, String table, String idColumn, String stateColumn,
                                     String state, OffsetDateTime now) {
        @SuppressWarnings("unchecked")
        List<String> ids = entityManager.createNativeQuery("SELECT " + idColumn + " FROM " + table
                        + " WHERE " + stateColumn + " = :state AND next_attempt_at <= :now"
                        + " AND (claimed_until IS NULL OR claimed_until < :now)"
                        + " ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED")
                .setParameter("state", state)
                .setParameter("now", now)
                .getResultList();
        return ids.stream().findFirst();
    }
}
