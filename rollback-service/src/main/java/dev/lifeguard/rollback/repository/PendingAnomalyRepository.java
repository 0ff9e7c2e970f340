package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.PendingAnomaly;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;

@ApplicationScoped
public class PendingAnomalyRepository implements PanacheRepositoryBase<PendingAnomaly, String> {

    /** Oldest first. */
    public List<PendingAnomaly> receivedBefore(OffsetDateTime cutoff) {
        return list("receivedAt < ?1 order by receivedAt", cutoff);
    }
}
