package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Quarkus test resource: a real in-process Kafka broker, wired into {@code kafka.bootstrap.servers}. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile EmbeddedKafka broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafka.start();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker's address, for test clients. */
    public static String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("KafkaBrokerResource has not been started");
        }
        return broker.bootstrapServers();
    }
}
