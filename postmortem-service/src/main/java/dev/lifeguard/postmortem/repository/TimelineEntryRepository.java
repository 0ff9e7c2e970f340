package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.TimelineEntry;
import dev.lifeguard.postmortem.TimelineKind;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TimelineEntryRepository implements PanacheRepository<TimelineEntry> {

    /**
     * Ordered by event time; at the same instant in the order a chain happens in ({@link TimelineKind}), so that the
     * timeline does not depend on which stream was read first; then by arrival.
     */
    public List<TimelineEntry> forChain(String chainId) {
        List<TimelineEntry> entries = new ArrayList<>(list("chainId = ?1 order by time, id", chainId));
        // A stable sort: entries of one instant and kind keep their arrival order.
        entries.sort(Comparator.comparing((TimelineEntry entry) -> entry.time.toInstant())
                .thenComparingInt(entry -> TimelineKind.rankOf(entry.type)));
        return entries;
    }

    public Optional<TimelineEntry> findByEventId(String eventId) {
        return find("eventId", eventId).firstResultOptional();
    }

    public void deleteByEventIds(List<String> eventIds) {
        delete("eventId in ?1", eventIds);
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
