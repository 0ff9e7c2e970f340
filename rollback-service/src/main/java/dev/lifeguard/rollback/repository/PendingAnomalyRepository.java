package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.PendingAnomaly;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class PendingAnomalyRepository implements PanacheRepositoryBase<PendingAnomaly, String> {

    /** An anomaly of the target that waits for its deployment's event, if any. */
    public Optional<PendingAnomaly> findForTarget(String service, String environment) {
        return find("service = ?1 and environment = ?2 order by receivedAt", service, environment).firstResultOptional();
    }

    /** Oldest first. */
    public List<PendingAnomaly> receivedBefore(OffsetDateTime cutoff) {
        return list("receivedAt < ?1 order by receivedAt", cutoff);
    }
}
