package dev.lifeguard.notify.repository;

import dev.lifeguard.notify.DecisionSettlement;
import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.notify.event.Decision;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Optional;

@ApplicationScoped
public class DecisionSettlementRepository implements PanacheRepositoryBase<DecisionSettlement, RollbackOutcome.Key> {

    /**
     * Records a settlement; a later one (by rollback-service's clock) replaces an earlier one, so a held-by-timeout
     * decision approved afterwards reads as approved in whatever order the two arrive. One statement, so two
     * instances cannot collide on the key.
     */
    public void record(String service, String environment, String rollbackId, Decision decision, String settledBy,
                       String settleReason, String eventId, OffsetDateTime settledAt, OffsetDateTime now) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO decision_settlement (service, environment, rollback_id, decision, settled_by,
                                                         settle_reason, event_id, settled_at, recorded_at)
                        VALUES (:service, :environment, :rollbackId, :decision, CAST(:settledBy AS text),
                                CAST(:settleReason AS text), :eventId, :settledAt, :now)
                        ON CONFLICT (service, environment, rollback_id) DO UPDATE SET decision = EXCLUDED.decision,
                            settled_by = EXCLUDED.settled_by, settle_reason = EXCLUDED.settle_reason,
                            event_id = EXCLUDED.event_id, settled_at = EXCLUDED.settled_at,
                            recorded_at = EXCLUDED.recorded_at
                        WHERE EXCLUDED.settled_at >= decision_settlement.settled_at
                        """)
                .setParameter("service", service)
                .setParameter("environment", environment)
                .setParameter("rollbackId", rollbackId)
                .setParameter("decision", decision.name())
                .setParameter("settledBy", settledBy)
                .setParameter("settleReason", settleReason)
                .setParameter("eventId", eventId)
                .setParameter("settledAt", settledAt)
                .setParameter("now", now)
                .executeUpdate();
    }

    public Optional<DecisionSettlement> of(String service, String environment, String rollbackId) {
        return findByIdOptional(new RollbackOutcome.Key(service, environment, rollbackId));
    }
}
