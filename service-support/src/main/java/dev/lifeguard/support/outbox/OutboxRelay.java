package dev.lifeguard.support.outbox;

import dev.lifeguard.support.config.InstanceConfig;
import dev.lifeguard.support.config.OutboxConfig;
import dev.lifeguard.support.kafka.KafkaClients;
import dev.lifeguard.support.kafka.TopicProvisioner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes outbox rows and marks each one sent once the broker acknowledged it. Delivery is at least once
 * (every Lifeguard consumer de-duplicates by event id); order is kept per topic and key, which is all Kafka
 * orders anyway.
 * <p>
 * A round claims, in a short transaction, the oldest unsent row of each topic and key that is due and not
 * claimed by another instance; sends them all at once, outside any transaction; and records the outcome in
 * another short transaction. A key's next row becomes claimable only once its head is sent, so several
 * instances can relay at the same time without reordering a key, and none waits for another's lock. A row
 * that fails is retried with backoff; after {@link OutboxConfig#maxAttempts()} failures while the broker was
 * reachable it is parked: it holds back its own key only, shows in {@code GET /api/v1/outbox?status=parked},
 * the gauges and readiness, and goes out again after {@code POST /api/v1/outbox/{id}/retry}. While the broker
 * is unreachable, failures are not counted: an outage parks nothing.
 * <p>
 * A commit that queued rows wakes the relay at once; the schedule is the safety net for rows whose backoff
 * ended. A round that sent anything is followed by another, so a key whose head another instance was sending
 * is picked up as soon as that head is marked sent.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final Duration BROKER_PROBE_BOUND = Duration.ofSeconds(2);
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

    private final EntityManager entityManager;
    private final KafkaClients kafka;
    private final TopicProvisioner topics;
    private final ManagedExecutor executor;
    /** A background run was asked for while one was going on. */
    private final java.util.concurrent.atomic.AtomicBoolean runAgain = new java.util.concurrent.atomic.AtomicBoolean();
    private final OutboxConfig config;
    private final String owner;
    /** Coalesces wake-ups: while a run is pending, further commits need not schedule another. */
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final ReentrantLock oneRunAtATime = new ReentrantLock();
    private volatile Instant lastFailureLogged = Instant.EPOCH;

    public OutboxRelay(EntityManager entityManager, KafkaClients kafka, TopicProvisioner topics,
                       ManagedExecutor executor, OutboxConfig config, InstanceConfig instance) {
        this.entityManager = entityManager;
        this.kafka = kafka;
        this.topics = topics;
        this.executor = executor;
        this.config = config;
        this.owner = instance.id();
    }

    /** One claimed row. */
    record Claim(long id, String eventId, String eventType, String topic, String key, String payload, int attempts) {
    }

    /** What became of one claimed row; {@code failure} is null when it was sent. */
    record Outcome(Claim claim, Throwable failure) {

        boolean sent() {
            return failure == null;
        }

    }

    // Not while starting or stopping: the Kafka clients and the datasource may not be there.
    @Scheduled(every = "${lifeguard.outbox.poll-interval:1s}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void relayOnSchedule() {
        runInBackground();
    }

    void wakeUpAfterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsQueued queued) {
        if (wakeUpPending.compareAndSet(false, true)) {
            executor.runAsync(() -> {
                wakeUpPending.set(false);
                runInBackground();
            });
        }
    }

    /** Claims this instance held before it restarted (it may have been killed mid-send) are free at once. */
    void releaseClaimsOfEarlierLife(@Observes StartupEvent startup) {
        try {
            int released = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                            "UPDATE outbox_event SET claimed_by = NULL, claimed_until = NULL"
                                    + " WHERE claimed_by = :owner AND sent_at IS NULL")
                    .setParameter("owner", owner)
                    .executeUpdate());
            if (released > 0) {
                LOG.infof("Outbox: released %d row(s) claimed by %s before it restarted", released, owner);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Outbox: could not release earlier claims of %s (they expire after %s): %s", owner,
                    config.claimLease(), e.toString());
        }
    }

    /** Publishes until no row is due; returns how many rows were sent. */
    public int publishAllPending() {
        oneRunAtATime.lock();
        try {
            int total = 0;
            while (true) {
                List<Claim> claimed = QuarkusTransaction.requiringNew().call(this::claimHeads);
                if (claimed.isEmpty()) {
                    return total;
                }
                List<Outcome> outcomes = sendAll(claimed);
                long sent = outcomes.stream().filter(Outcome::sent).count();
                // Failures count towards parking only while the broker answers: an outage must park nothing.
                boolean countFailures = sent > 0 || kafka.brokerReachable(BROKER_PROBE_BOUND);
                QuarkusTransaction.requiringNew().run(() -> record(outcomes, countFailures));
                total += (int) sent;
                if (sent < outcomes.size()) {
                    reportFailures(outcomes, countFailures);
                }
                if (sent == 0) {
                    return total;
                }
            }
        } finally {
            oneRunAtATime.unlock();
        }
    }

    /**
     * Background runs (after a commit, on schedule) never wait for a run in progress: they ask it to go round once
     * more and return. Waiting would park one worker thread per commit during a slow round (sends that time out take
     * the send timeout), until the pool had no thread left for the sends themselves (seen in the fault suite).
     */
    private void runInBackground() {
        runAgain.set(true);
        while (runAgain.get() && oneRunAtATime.tryLock()) {
            try {
                runAgain.set(false);
                runLoggingFailures();
            } finally {
                oneRunAtATime.unlock();
            }
        }
    }

    private void runLoggingFailures() {
        try {
            publishAllPending();
        } catch (RuntimeException e) {
            if (shouldLogFailure()) {
                LOG.warnf("Outbox relay run failed; rows wait and the next run retries: %s", e.toString());
            }
        }
    }

    private List<Claim> claimHeads() {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement claim = connection.prepareStatement("""
                    UPDATE outbox_event SET claimed_by = ?, claimed_until = now() + ? * interval '1 millisecond'
                    WHERE id IN (
                        SELECT o.id FROM outbox_event o
                        JOIN (SELECT DISTINCT ON (topic, record_key) id FROM outbox_event
                              WHERE sent_at IS NULL ORDER BY topic, record_key, id) head ON head.id = o.id
                        WHERE o.status = 'PENDING' AND o.next_attempt_at <= now()
                          AND (o.claimed_until IS NULL OR o.claimed_until < now() OR o.claimed_by = ?)
                        ORDER BY o.id LIMIT ?
                        FOR UPDATE OF o SKIP LOCKED)
                    RETURNING id, event_id, event_type, topic, record_key, payload, attempts""")) {
                claim.setString(1, owner);
                claim.setLong(2, config.claimLease().toMillis());
                // Runs of one instance take turns (oneRunAtATime): a claim of its own is left by an earlier run that
                // could not record its outcome (the database went away), not a send in progress, so it is free now
                // rather than after the lease; at worst a row acknowledged then goes out again, which consumers
                // de-duplicate by event id.
                claim.setString(3, owner);
                claim.setInt(4, config.batchSize());
                List<Claim> claims = new ArrayList<>();
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        claims.add(new Claim(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getInt(7)));
                    }
                }
                claims.sort(Comparator.comparingLong(Claim::id));
                return claims;
            }
        });
    }

    /** Sends every claimed row at once and waits for each acknowledgement or failure, within the send timeout. */
    private List<Outcome> sendAll(List<Claim> claims) {
        List<CompletableFuture<Void>> acknowledgements = new ArrayList<>(claims.size());
        for (Claim claim : claims) {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            // send() blocks while it waits for a topic's metadata: off this thread, so one missing topic
            // does not hold back the other rows of the round.
            executor.execute(() -> {
                try {
                    kafka.producer().send(producerRecord(claim), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.complete(null);
                        } else {
                            acknowledged.completeExceptionally(error);
                        }
                    });
                } catch (RuntimeException e) {
                    acknowledged.completeExceptionally(e);
                }
            });
            acknowledgements.add(acknowledged);
        }
        long deadline = System.nanoTime() + kafka.sendTimeout().plusSeconds(2).toNanos();
        List<Outcome> outcomes = new ArrayList<>(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            outcomes.add(new Outcome(claims.get(i), await(acknowledgements.get(i), deadline)));
        }
        return outcomes;
    }

    private static Throwable await(CompletableFuture<Void> acknowledged, long deadline) {
        try {
            acknowledged.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return new TimeoutException("no acknowledgement from the broker within the send timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private static ProducerRecord<String, String> producerRecord(Claim claim) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(claim.topic(), null, claim.key(), claim.payload(), headers);
    }

    private void record(List<Outcome> outcomes, boolean countFailures) {
        entityManager.unwrap(Session.class).doWork(connection -> {
            List<Long> sent = outcomes.stream().filter(Outcome::sent).map(outcome -> outcome.claim().id()).toList();
            if (!sent.isEmpty()) {
                try (PreparedStatement markSent = connection.prepareStatement("""
                        UPDATE outbox_event SET status = 'SENT', sent_at = now(), claimed_by = NULL,
                            claimed_until = NULL
                        WHERE id = ANY (?) AND sent_at IS NULL""")) {
                    markSent.setArray(1, connection.createArrayOf("bigint", sent.toArray()));
                    markSent.executeUpdate();
                }
            }
            for (Outcome outcome : outcomes) {
                if (!outcome.sent()) {
                    recordFailure(connection, outcome, countFailures);
                }
            }
        });
    }

    private void recordFailure(Connection connection, Outcome outcome, boolean counted) throws SQLException {
        Claim claim = outcome.claim();
        int attempts = claim.attempts() + (counted ? 1 : 0);
        boolean park = counted && attempts >= config.maxAttempts();
        try (PreparedStatement failed = connection.prepareStatement("""
                UPDATE outbox_event SET attempts = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL,
                    next_attempt_at = now() + ? * interval '1 millisecond',
                    status = CASE WHEN ? THEN 'PARKED' ELSE status END,
                    parked_at = CASE WHEN ? THEN now() ELSE parked_at END
                WHERE id = ? AND sent_at IS NULL AND status = 'PENDING'""")) {
            failed.setInt(1, attempts);
            failed.setString(2, truncate(outcome.failure().toString()));
            failed.setLong(3, backoff(attempts).toMillis());
            failed.setBoolean(4, park);
            failed.setBoolean(5, park);
            failed.setLong(6, claim.id());
            failed.executeUpdate();
        }
        if (park) {
            LOG.errorf("Outbox row #%d (event %s, %s) to %s parked after %d failed attempts: %s. Its key waits;"
                            + " fix the cause, then POST /api/v1/outbox/%d/retry", claim.id(), claim.eventId(),
                    claim.eventType(), claim.topic(), attempts, outcome.failure(), claim.id());
        }
    }

    /** Exponential from the base, capped, with ±20% jitter so that instances do not retry in lockstep. */
    Duration backoff(int attempts) {
        double exponential = config.backoffBase().toMillis() * Math.pow(2, Math.max(0, attempts - 1));
        double capped = Math.min(config.backoffMax().toMillis(), exponential);
        return Duration.ofMillis(Math.round(capped * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    /** Logs a round's failures (rate-limited) and creates a missing topic this service owns. */
    private void reportFailures(List<Outcome> outcomes, boolean brokerReachable) {
        Set<String> failedTopics = new LinkedHashSet<>();
        outcomes.stream().filter(outcome -> !outcome.sent()).forEach(outcome -> failedTopics.add(outcome.claim().topic()));
        if (brokerReachable) {
            for (String topic : failedTopics) {
                if (topics.owns(topic)) {
                    topics.forget(topic);
                    try {
                        topics.ensure(List.of(topic));
                    } catch (RuntimeException e) {
                        LOG.debugf("Outbox: could not ensure topic %s: %s", topic, e.toString());
                    }
                }
            }
        }
        if (shouldLogFailure()) {
            Outcome first = outcomes.stream().filter(outcome -> !outcome.sent()).findFirst().orElseThrow();
            LOG.warnf("Outbox: %d of %d row(s) not sent (broker %s), retried with backoff; first: #%d to %s: %s",
                    outcomes.stream().filter(outcome -> !outcome.sent()).count(), outcomes.size(),
                    brokerReachable ? "reachable" : "unreachable", first.claim().id(), first.claim().topic(),
                    first.failure().toString());
        }
    }

    private boolean shouldLogFailure() {
        Instant now = Instant.now();
        if (now.isAfter(lastFailureLogged.plus(FAILURE_LOG_INTERVAL))) {
            lastFailureLogged = now;
            return true;
        }
        return false;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    /** Fired by {@link Outbox} inside the transaction; observed after it commits. */
    public enum EventsQueued {
        INSTANCE
    }
}
