package dev.lifeguard.support.kafka;

import dev.lifeguard.support.config.KafkaTopicsConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics a service reads and writes, and their {@code .dlq} topics, through the admin client, so
 * that nothing depends on a broker creating topics on first use (Lifeguard's brokers never do). It runs at
 * startup before the messaging channels start; when the broker is not reachable the service starts anyway,
 * keeps trying in the background, and readiness says which topics are missing.
 */
@ApplicationScoped
public class TopicProvisioner {

    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    /** Observers with a lower priority run first; SmallRye Reactive Messaging starts its channels at 1000. */
    static final int BEFORE_MESSAGING = 900;

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    private final KafkaClients kafka;
    private final KafkaTopicsConfig config;
    private final ManagedExecutor executor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Guard untilDone;
    private volatile String lastError;

    public TopicProvisioner(KafkaClients kafka, KafkaTopicsConfig config, ManagedExecutor executor) {
        this.kafka = kafka;
        this.config = config;
        this.executor = executor;
        this.untilDone = Guard.create()
                .withDescription("topic provisioning")
                .withRetry().maxRetries(-1).maxDuration(0, ChronoUnit.MILLIS)
                .delay(500, ChronoUnit.MILLIS).jitter(200, ChronoUnit.MILLIS)
                .withExponentialBackoff().maxDelay(30, ChronoUnit.SECONDS).done()
                .done()
                .build();
    }

    void provisionAtStartup(@Observes @Priority(BEFORE_MESSAGING) StartupEvent startup) {
        CompletableFuture<Void> provisioned = executor.runAsync(() -> untilDone.get(() -> {
            ensure(configured());
            return null;
        }, Void.class));
        try {
            provisioned.get(config.provisioningTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("Topics %s not all created within %s (%s); the service starts and keeps trying", missing(),
                    config.provisioningTimeout(), lastError);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("Topic provisioning stopped: %s", e.getCause());
        }
    }

    /** Every topic the configuration names, with its dead-letter topic. */
    public Set<String> configured() {
        Set<String> topics = new LinkedHashSet<>();
        for (String topic : config.topics()) {
            topics.add(topic);
            topics.add(topic + DEAD_LETTER_SUFFIX);
        }
        return topics;
    }

    /** Configured topics not known to exist yet. */
    public Set<String> missing() {
        Set<String> missing = new LinkedHashSet<>(configured());
        missing.removeAll(known);
        return missing;
    }

    public String lastError() {
        return lastError;
    }

    /** A configured topic, its dead-letter topic, or one under an owned prefix (e.g. a team's notifications). */
    public boolean owns(String topic) {
        return configured().contains(topic)
                || config.ownedTopicPrefixes().orElse(List.of()).stream().anyMatch(topic::startsWith);
    }

    /**
     * Creates those of the topics that do not exist yet (another instance may create them at the same time).
     *
     * @throws IllegalStateException when the broker does not answer; callers retry
     */
    public void ensure(Collection<String> topics) {
        Set<String> wanted = new LinkedHashSet<>(topics);
        wanted.removeAll(known);
        if (wanted.isEmpty()) {
            return;
        }
        try {
            Set<String> existing = kafka.admin().listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> toCreate = wanted.stream().filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, config.topicPartitions(), config.topicReplicationFactor()))
                    .toList();
            for (var created : kafka.admin().createTopics(toCreate).values().entrySet()) {
                try {
                    created.getValue().get(15, TimeUnit.SECONDS);
                    LOG.infof("Created topic %s (%d partitions, replication factor %d)", created.getKey(),
                            config.topicPartitions(), config.topicReplicationFactor());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            known.addAll(wanted);
            lastError = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + wanted, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            lastError = "could not create " + wanted + ": " + cause;
            throw new IllegalStateException(lastError, cause);
        }
    }

    /** Forgets what is known, e.g. after the broker lost its topics; the next {@link #ensure} checks again. */
    public void forget(String topic) {
        known.remove(topic);
    }
}
