package dev.lifeguard.support.outbox;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes outbox rows in commit order and marks each one sent once the broker acknowledged it.
 * Delivery is at least once: a crash between the acknowledgement and the mark re-sends the row, and
 * every Lifeguard consumer de-duplicates by event id. One relay runs at a time, in this process (a lock)
 * and across replicas (a PostgreSQL advisory lock), so events leave in commit order.
 * A commit that queued events wakes the relay at once; the schedule is the safety net.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Every service configures this outgoing channel; each record names its own topic. */
    public static final String CHANNEL = "outbox";

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key of the relay ("OUTBOX" in ASCII); each service has its own database. */
    private static final long RELAY_LOCK_KEY = 0x4F5554424F58L;

    private final EntityManager entityManager;
    private final Emitter<String> emitter;
    private final ManagedExecutor executor;
    /** Coalesces wake-ups: while a run is pending, further commits need not schedule another. */
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final ReentrantLock oneRunAtATime = new ReentrantLock();
    private final int batchSize;
    private final Duration sendTimeout;

    public OutboxRelay(EntityManager entityManager,
                       @Channel(CHANNEL) Emitter<String> emitter,
                       ManagedExecutor executor,
                       @ConfigProperty(name = "lifeguard.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "lifeguard.outbox.send-timeout", defaultValue = "10s") Duration sendTimeout) {
        this.entityManager = entityManager;
        this.emitter = emitter;
        this.executor = executor;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
    }

    // Not while starting or stopping: the outgoing channel is wired only once the application runs.
    @Scheduled(every = "${lifeguard.outbox.poll-interval:1s}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayOnSchedule() {
        publishAllPending();
    }

    void wakeUpAfterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsQueued queued) {
        if (wakeUpPending.compareAndSet(false, true)) {
            executor.runAsync(() -> {
                wakeUpPending.set(false);
                try {
                    publishAllPending();
                } catch (RuntimeException e) {
                    LOG.debugf("Outbox wake-up run failed, the schedule will retry: %s", e.toString());
                }
            });
        }
    }

    /** Publishes until nothing is pending or a send fails; returns how many rows were sent. */
    public int publishAllPending() {
        oneRunAtATime.lock();
        try {
            int total = 0;
            int sent;
            do {
                sent = QuarkusTransaction.requiringNew().call(this::publishBatch);
                total += sent;
            } while (sent == batchSize);
            return total;
        } finally {
            oneRunAtATime.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private int publishBatch() {
        boolean relayLockTaken = (Boolean) entityManager
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(" + RELAY_LOCK_KEY + ")")
                .getSingleResult();
        if (!relayLockTaken) {
            return 0;
        }
        List<OutboxEvent> pending = entityManager.createNativeQuery(
                        "SELECT * FROM outbox_event WHERE sent_at IS NULL ORDER BY id LIMIT :limit",
                        OutboxEvent.class)
                .setParameter("limit", batchSize)
                .getResultList();
        int sent = 0;
        for (OutboxEvent row : pending) {
            try {
                send(row);
            } catch (Exception e) {
                // Keep the order per key: stop here, the rest goes out on a later run.
                LOG.warnf("Outbox relay could not publish event %s (%s) to %s, will retry: %s",
                        row.eventId, row.eventType, row.topic, e.toString());
                break;
            }
            row.sentAt = OffsetDateTime.now(ZoneOffset.UTC);
            sent++;
        }
        return sent;
    }

    private void send(OutboxEvent row) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.recordKey)
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        emitter.send(Message.of(row.payload)
                .addMetadata(metadata)
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        acknowledged.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fired by {@link Outbox} inside the transaction; observed after it commits. */
    public enum EventsQueued {
        INSTANCE
    }
}
