package dev.lifeguard.support.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * What the outbox holds, for operators: the gauges {@code lifeguard_outbox_pending},
 * {@code lifeguard_outbox_parked} and {@code lifeguard_outbox_oldest_age_seconds} on {@code /q/metrics}, and the
 * counts {@link OutboxHealthCheck} reports. Counted on a schedule, so that neither a scrape nor a health probe
 * waits for the database.
 */
@ApplicationScoped
public class OutboxMonitor {

    /** The counts of one look at the table; {@code oldestUnsent} is null when everything is sent. */
    public record Snapshot(long pending, long parked, OffsetDateTime oldestUnsent, OutboxEvent oldestParked) {

        static final Snapshot EMPTY = new Snapshot(0, 0, null, null);

        double oldestAgeSeconds() {
            return oldestUnsent == null ? 0
                    : Duration.between(oldestUnsent, OffsetDateTime.now(ZoneOffset.UTC)).toMillis() / 1000.0;
        }
    }

    private final EntityManager entityManager;
    private final MeterRegistry meters;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    public OutboxMonitor(EntityManager entityManager, MeterRegistry meters) {
        this.entityManager = entityManager;
        this.meters = meters;
    }

    private final java.util.List<io.micrometer.core.instrument.Meter> gauges = new java.util.ArrayList<>();

    void registerGauges(@Observes StartupEvent startup) {
        gauges.add(Gauge.builder("lifeguard.outbox.pending", this, monitor -> monitor.snapshot.pending())
                .description("Outbox rows waiting to be sent (parked ones excluded)").register(meters));
        gauges.add(Gauge.builder("lifeguard.outbox.parked", this, monitor -> monitor.snapshot.parked())
                .description("Outbox rows parked after repeated failures; each holds back its key").register(meters));
        gauges.add(Gauge.builder("lifeguard.outbox.oldest.age", this, monitor -> monitor.snapshot.oldestAgeSeconds())
                .baseUnit("seconds").description("Age of the oldest row not sent yet").register(meters));
    }

    /**
     * Micrometer keeps the first gauge registered under a name, in a registry that can outlive this application (a
     * second start in one JVM, as tests with other test resources do): remove ours, so the next start's gauges read
     * its own monitor rather than this stopped one.
     */
    void removeGauges(@Observes io.quarkus.runtime.ShutdownEvent shutdown) {
        gauges.forEach(meters::remove);
        gauges.clear();
    }

    @Scheduled(every = "${lifeguard.outbox.poll-interval:1s}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refreshOnSchedule() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // the database is away: keep the last counts, the age keeps growing on its own
        }
    }

    /** Counts the table now. */
    public Snapshot refresh() {
        snapshot = QuarkusTransaction.requiringNew().call(() -> {
            Object[] counts = (Object[]) entityManager.createNativeQuery("""
                            SELECT count(*) FILTER (WHERE status = 'PENDING'), count(*) FILTER (WHERE status = 'PARKED'),
                                   min(created_at)
                            FROM outbox_event WHERE sent_at IS NULL""")
                    .getSingleResult();
            long parked = ((Number) counts[1]).longValue();
            OutboxEvent oldestParked = parked == 0 ? null : entityManager.createQuery(
                            "from OutboxEvent where status = :parked order by id", OutboxEvent.class)
                    .setParameter("parked", OutboxStatus.PARKED)
                    .setMaxResults(1)
                    .getSingleResult();
            if (oldestParked != null) {
                entityManager.detach(oldestParked);
            }
            return new Snapshot(((Number) counts[0]).longValue(), parked, toUtc(counts[2]), oldestParked);
        });
        return snapshot;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    private static OffsetDateTime toUtc(Object timestamp) {
        if (timestamp == null) {
            return null;
        }
        if (timestamp instanceof OffsetDateTime time) {
            return time.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (timestamp instanceof java.time.Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) timestamp).toInstant().atOffset(ZoneOffset.UTC);
    }
}
