package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.EarlyRollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class EarlyRollbackRepository implements PanacheRepositoryBase<EarlyRollback, String> {

    /** Remembers the rollback; when one is remembered already, the earlier rollback time is the one that counts. */
    public void remember(EarlyRollback rollback) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO early_rollback (deployment_id, service, environment, rolled_back_at, event_id,
                                                    received_at)
                        VALUES (:deploymentId, :service, :environment, :rolledBackAt, :eventId, :receivedAt)
                        ON CONFLICT (deployment_id)
                        DO UPDATE SET rolled_back_at = LEAST(early_rollback.rolled_back_at, EXCLUDED.rolled_back_at)""")
                .setParameter("deploymentId", rollback.deploymentId)
                .setParameter("service", rollback.service)
                .setParameter("environment", rollback.environment)
                .setParameter("rolledBackAt", rollback.rolledBackAt)
                .setParameter("eventId", rollback.eventId)
                .setParameter("receivedAt", rollback.receivedAt)
                .executeUpdate();
    }

    /** The rollback remembered for the deployment, removed: it is applied once. */
    public Optional<EarlyRollback> take(String deploymentId) {
        Optional<EarlyRollback> rollback = findByIdOptional(deploymentId);
        rollback.ifPresent(this::delete);
        return rollback;
    }
}
