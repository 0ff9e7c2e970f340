package dev.lifeguard.support.consumer;

import dev.lifeguard.support.config.ConsumerRetryConfig;
import dev.lifeguard.support.event.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Runs a consumer's work on one record in its own transaction and sorts failures into two kinds:
 * <ul>
 *   <li><b>poison</b>: the record cannot be read or is invalid ({@link MalformedEventException} anywhere in the
 *   cause chain), or holds a value the database refuses as data (SQLState class 22: too long, malformed), which
 *   no retry can change. It goes to {@code <topic>.dlq} with the reason, group and origin, and the consumer
 *   moves on. Constraint violations (class 23) are not poison: two instances racing on one event cause them,
 *   and the retry then finds the work done.</li>
 *   <li><b>transient</b>: anything else (database down, lock timeout, broker unavailable for the dead letter). The
 *   record is retried in place with exponential backoff and jitter until it succeeds; the channel does not move
 *   past it, and readiness names the channel and the reason meanwhile.</li>
 * </ul>
 * Channels are consumed in order ({@code @Blocking} keeps one record in flight), so when the fault clears,
 * processing resumes where it stopped. A valid record is never dead-lettered.
 */
@ApplicationScoped
public class RecordProcessor {

    private static final Logger LOG = Logger.getLogger(RecordProcessor.class);

    private final DeadLetters deadLetters;
    private final StuckChannels stuck;
    private final MeterRegistry meters;
    private final Config config;
    private final Guard retryInPlace;
    private volatile boolean stopping;

    public RecordProcessor(DeadLetters deadLetters, StuckChannels stuck, MeterRegistry meters, Config config,
                           ConsumerRetryConfig retry) {
        this.deadLetters = deadLetters;
        this.stuck = stuck;
        this.meters = meters;
        this.config = config;
        this.retryInPlace = Guard.create()
                .withDescription("in-place retry of a consumed record")
                .withRetry()
                .maxRetries(-1).maxDuration(0, ChronoUnit.MILLIS)
                .delay(retry.initialDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(retry.jitter().toMillis(), ChronoUnit.MILLIS)
                .whenException(failure -> !(failure instanceof ApplicationStopping))
                .withExponentialBackoff().factor(2).maxDelay(retry.maxDelay().toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    /**
     * Processes the record: {@code work} runs in a new transaction, as many times as a transient failure needs.
     *
     * @param channel  the {@code @Incoming} channel, which names the consumer group in the configuration
     * @param consumer the consumer's stable name (what {@code processed_event} records and dead letters carry)
     */
    public void process(String channel, String consumer, ConsumerRecord<String, String> record, Runnable work) {
        retryInPlace.get(() -> {
            attempt(channel, consumer, record, work);
            return null;
        }, Void.class);
        stuck.recovered(channel);
    }

    private void attempt(String channel, String consumer, ConsumerRecord<String, String> record, Runnable work) {
        if (stopping) {
            throw new ApplicationStopping();
        }
        try {
            try {
                QuarkusTransaction.requiringNew().run(work);
            } catch (RuntimeException failure) {
                MalformedEventException poison = poisonIn(failure).orElseThrow(() -> failure);
                deadLetters.publish(record, group(channel), consumer, poison);
                meters.counter("lifeguard.consumer.dead.letters", "channel", channel).increment();
            }
        } catch (RuntimeException transientFailure) {
            stuck.failed(channel, DeadLetters.origin(record), transientFailure);
            meters.counter("lifeguard.consumer.retries", "channel", channel).increment();
            LOG.warnf("%s: %s failed, retrying in place: %s", consumer, DeadLetters.origin(record), transientFailure);
            throw transientFailure;
        }
    }

    static Optional<MalformedEventException> poisonIn(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof MalformedEventException poison) {
                return Optional.of(poison);
            }
        }
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return Optional.of(new MalformedEventException("the database refuses a value of this event ("
                        + sql.getSQLState() + "): " + sql.getMessage(), failure));
            }
        }
        return Optional.empty();
    }

    private String group(String channel) {
        return config.getOptionalValue("mp.messaging.incoming." + channel + ".group.id", String.class)
                .or(() -> config.getOptionalValue("kafka.group.id", String.class))
                .orElse("unknown");
    }

    void stopRetrying(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /** Ends a retry loop when the application stops: the record stays uncommitted and is redelivered. */
    static final class ApplicationStopping extends RuntimeException {

        ApplicationStopping() {
            super("the application is stopping", null, false, false);
        }
    }
}
