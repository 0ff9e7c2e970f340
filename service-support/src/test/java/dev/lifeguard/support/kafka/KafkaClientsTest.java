package dev.lifeguard.support.kafka;

import dev.lifeguard.support.config.KafkaTopicsConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientsTest {

    private final KafkaClients clients = new KafkaClients(Map.of("bootstrap.servers", "127.0.0.1:1"), new Topics(),
            () -> "test-instance");

    @Test
    void aStuckProducerIsReplacedOnceAndAStaleReplacementChangesNothing() {
        KafkaProducer<String, String> stuck = clients.producer();
        assertThat(clients.producer()).isSameAs(stuck);

        clients.replaceProducer(stuck);
        KafkaProducer<String, String> fresh = clients.producer();
        assertThat(fresh).isNotSameAs(stuck);

        // a second relay round that saw the same stuck producer must not throw away the fresh one
        clients.replaceProducer(stuck);
        assertThat(clients.producer()).isSameAs(fresh);
        clients.replaceProducer(fresh);
    }

    private static final class Topics implements KafkaTopicsConfig {
        @Override public List<String> topics() { return List.of(); }
        @Override public Optional<List<String>> ownedTopicPrefixes() { return Optional.empty(); }
        @Override public int topicPartitions() { return 3; }
        @Override public short topicReplicationFactor() { return 1; }
        @Override public Duration provisioningTimeout() { return Duration.ofSeconds(1); }
        @Override public Duration sendTimeout() { return Duration.ofSeconds(3); }
    }
}
