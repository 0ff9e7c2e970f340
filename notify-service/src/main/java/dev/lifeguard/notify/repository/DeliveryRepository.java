package dev.lifeguard.notify.repository;

import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.DeliveryStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, String> {

    /**
     * Locks up to {@code limit} due deliveries, oldest due first; {@code SKIP LOCKED} lets several workers
     * (or replicas) share the queue without waiting on each other.
     */
    @SuppressWarnings("unchecked")
    public List<Delivery> lockDue(OffsetDateTime now, int limit) {
        return getEntityManager().createNativeQuery(
                        "SELECT * FROM delivery WHERE status = 'PENDING' AND next_attempt_at <= :now "
                                + "ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED", Delivery.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList();
    }

    /**
     * Extends the claim of a pending delivery's attempt until {@code until}; false when the delivery is no longer
     * pending or another worker has claimed it again (its attempt count moved on).
     */
    public boolean renewClaim(String id, int attempt, OffsetDateTime until) {
        return update("nextAttemptAt = ?1 where id = ?2 and attempts = ?3 and status = ?4", until, id, attempt,
                DeliveryStatus.PENDING) == 1;
    }

    /**
     * Newest first; null filters match everything. {@code visibleTeams}: the teams whose deliveries the caller may
     * see (null: all).
     */
    public List<Delivery> search(String team, Collection<String> visibleTeams, DeliveryStatus status, int limit) {
        if (visibleTeams != null && visibleTeams.isEmpty()) {
            return List.of();
        }
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (team != null) {
            query.append(" and team = :team");
            parameters.and("team", team);
        }
        if (visibleTeams != null) {
            query.append(" and team in :visibleTeams");
            parameters.and("visibleTeams", visibleTeams);
        }
        if (status != null) {
            query.append(" and status = :status");
            parameters.and("status", status);
        }
        return find(query + " order by createdAt desc, id", parameters).page(0, limit).list();
    }

    /** Pending deliveries of a deleted subscription have nowhere to go. */
    public int failPendingOf(String subscriptionId, String reason) {
        return update("status = ?1, lastError = ?2, nextAttemptAt = null where subscriptionId = ?3 and status = ?4",
                DeliveryStatus.FAILED, reason, subscriptionId, DeliveryStatus.PENDING);
    }
}
