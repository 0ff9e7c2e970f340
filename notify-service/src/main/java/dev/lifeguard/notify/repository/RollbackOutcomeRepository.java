package dev.lifeguard.notify.repository;

import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.notify.RollbackOutcome.Kind;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.Optional;

@ApplicationScoped
public class RollbackOutcomeRepository implements PanacheRepositoryBase<RollbackOutcome, RollbackOutcome.Key> {

    /**
     * Records the rollback's outcome; a later report replaces an earlier one, except that an end (failed, skipped,
     * rolled back) is never replaced by "accepted". One statement, so two instances cannot collide on the key.
     */
    public void record(String rollbackId, Kind outcome, String eventId, String service, String environment,
                       String fromVersion, String toVersion, OffsetDateTime now) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO rollback_outcome (rollback_id, outcome, event_id, service, environment, from_version,
                                                      to_version, recorded_at)
                        VALUES (:rollbackId, :outcome, :eventId, :service, :environment, CAST(:fromVersion AS text),
                                CAST(:toVersion AS text), :now)
                        ON CONFLICT (service, environment, rollback_id) DO UPDATE SET outcome = EXCLUDED.outcome, event_id = EXCLUDED.event_id,
                            from_version = EXCLUDED.from_version, to_version = EXCLUDED.to_version,
                            recorded_at = EXCLUDED.recorded_at
                        WHERE EXCLUDED.outcome <> 'ACCEPTED' OR rollback_outcome.outcome = 'ACCEPTED'
                        """)
                .setParameter("rollbackId", rollbackId)
                .setParameter("outcome", outcome.name())
                .setParameter("eventId", eventId)
                .setParameter("service", service)
                .setParameter("environment", environment)
                .setParameter("fromVersion", fromVersion)
                .setParameter("toVersion", toVersion)
                .setParameter("now", now)
                .executeUpdate();
    }

    /** How the target's rollback ended, if deploy-service has said so. */
    public Optional<Kind> endOf(String service, String environment, String rollbackId) {
        return findByIdOptional(new RollbackOutcome.Key(service, environment, rollbackId))
                .map(recorded -> recorded.outcome).filter(Kind::isFinal);
    }
}
