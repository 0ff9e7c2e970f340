package dev.lifeguard.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The topics a service reads and writes, created at startup (each with its {@code .dlq}), and how. */
@ConfigMapping(prefix = "lifeguard.kafka")
public interface KafkaTopicsConfig {

    /** Every topic the service consumes or produces; each is created with its {@code <topic>.dlq} when missing. */
    List<String> topics();

    /** Topic name prefixes the service also owns (e.g. per-team topics); created on first use. */
    Optional<List<String>> ownedTopicPrefixes();

    @WithDefault("3")
    int topicPartitions();

    @WithDefault("1")
    short topicReplicationFactor();

    /** How long startup waits for the topics before it carries on and keeps trying in the background. */
    @WithDefault("30s")
    Duration provisioningTimeout();

    /** Bound of one send (outbox row, dead letter) from the call to the broker's acknowledgement. */
    @WithDefault("15s")
    Duration sendTimeout();
}
