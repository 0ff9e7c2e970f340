package dev.lifeguard.postmortem.service;

import dev.lifeguard.postmortem.AuditEntry;
import dev.lifeguard.postmortem.config.PostmortemConfig;
import dev.lifeguard.postmortem.event.AuditRecorded;
import dev.lifeguard.postmortem.repository.AuditEntryRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** The audit read model: entries as the services recorded them, searched newest first, kept for the retention. */
@ApplicationScoped
public class AuditService {

    private static final Logger LOG = Logger.getLogger(AuditService.class);
    private static final int PURGE_BATCH = 5_000;

    private final AuditEntryRepository entries;
    private final PostmortemConfig.Audit config;

    public AuditService(AuditEntryRepository entries, PostmortemConfig config) {
        this.entries = entries;
        this.config = config.audit();
    }

    /**
     * Stores the entry unless it is already there (the event id is the key; redelivery is also stopped earlier, by
     * the consumer's processed events). Entries are ordered by their own time, so arrival order does not matter.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(AuditRecorded recorded) {
        if (entries.findById(recorded.eventId()) != null) {
            return;
        }
        AuditEntry entry = new AuditEntry();
        entry.eventId = recorded.eventId();
        entry.at = recorded.at().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        entry.service = recorded.service();
        entry.actor = recorded.actor();
        entry.actorKind = recorded.actorKind();
        entry.roles = String.join(",", recorded.roles());
        entry.teams = String.join(",", recorded.teams());
        entry.action = recorded.action();
        entry.target = recorded.target();
        entry.outcome = recorded.outcome();
        entry.status = recorded.status();
        entry.detail = recorded.detail();
        entry.sourceAddress = recorded.sourceAddress();
        entry.receivedAt = now();
        entries.persist(entry);
    }

    @Transactional
    public Optional<AuditEntry> find(String eventId) {
        return Optional.ofNullable(entries.findById(eventId));
    }

    @Transactional
    public List<AuditEntry> search(AuditEntryRepository.Query query) {
        return entries.search(query);
    }

    @Scheduled(every = "${lifeguard.postmortem.audit.purge-every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purgeOnSchedule() {
        purgeExpired();
    }

    /** Removes entries older than the retention, in batches; returns how many. Instances may purge at once. */
    public int purgeExpired() {
        OffsetDateTime cutoff = now().minus(config.retention());
        int removed = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> entries.deleteOlderThan(cutoff, PURGE_BATCH));
            removed += batch;
        } while (batch == PURGE_BATCH);
        if (removed > 0) {
            LOG.infof("Audit entries older than %s removed: %d", cutoff, removed);
        }
        return removed;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
