package dev.lifeguard.support.outbox;

import dev.lifeguard.support.config.OutboxConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Keeps the plumbing tables from growing forever: sent outbox rows are kept for a while (to answer "was it
 * published?"), processed-event ids for longer than Kafka keeps records, since a redelivery can only come
 * from records the broker still has.
 */
@ApplicationScoped
public class PlumbingRetention {

    private static final Logger LOG = Logger.getLogger(PlumbingRetention.class);

    private final EntityManager entityManager;
    private final Duration sentOutboxRetention;
    private final Duration processedEventRetention;

    public PlumbingRetention(EntityManager entityManager, OutboxConfig outbox,
                             @ConfigProperty(name = "lifeguard.idempotency.retention", defaultValue = "14d")
                             Duration processedEventRetention) {
        this.entityManager = entityManager;
        this.sentOutboxRetention = outbox.retention();
        this.processedEventRetention = processedEventRetention;
    }

    @Scheduled(every = "${lifeguard.retention.interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purgeOnSchedule() {
        purge(OffsetDateTime.now(ZoneOffset.UTC));
    }

    /** Deletes what is older than the retention at {@code now}; returns how many rows went. */
    public int purge(OffsetDateTime now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            int outbox = entityManager.createQuery("delete from OutboxEvent o where o.sentAt < :before")
                    .setParameter("before", now.minus(sentOutboxRetention))
                    .executeUpdate();
            int processed = entityManager.createNativeQuery("DELETE FROM processed_event WHERE processed_at < :before")
                    .setParameter("before", now.minus(processedEventRetention))
                    .executeUpdate();
            if (outbox + processed > 0) {
                LOG.infof("Retention: removed %d sent outbox rows and %d processed-event ids", outbox, processed);
            }
            return outbox + processed;
        });
    }
}
