package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.TimelineEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TimelineEntryRepository implements PanacheRepository<TimelineEntry> {

    /** Ordered by event time, then arrival. */
    public List<TimelineEntry> forChain(String chainId) {
        return list("chainId = ?1 order by time, id", chainId);
    }

    public Optional<TimelineEntry> findByEventId(String eventId) {
        return find("eventId", eventId).firstResultOptional();
    }

    /**
     * Serialises the transactions of one chain until commit. The streams are consumed in parallel, so an
     * anomaly and its rollback may be processed at the same time; each must see what the other wrote.
     */
    public void lockChain(String chainId) {
        getEntityManager().createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:chainId, 0))")
                .setParameter("chainId", chainId)
                .getSingleResult();
    }
}
