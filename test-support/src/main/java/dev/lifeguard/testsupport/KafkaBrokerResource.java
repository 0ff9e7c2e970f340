package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Quarkus test resource: a real in-process Kafka broker, wired into {@code kafka.bootstrap.servers}. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile EmbeddedKafka broker;
    private static volatile KafkaTestClient client;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafka.start();
        client = new KafkaTestClient(broker.bootstrapServers());
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The test client of the running broker, shared by all tests of the module. */
    static KafkaTestClient client() {
        if (client == null) {
            throw new IllegalStateException("KafkaBrokerResource has not been started");
        }
        return client;
    }

    /** The running broker, e.g. to stop and start it again, or to create topics no service creates. */
    public static EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException("KafkaBrokerResource has not been started");
        }
        return broker;
    }

    /** The running broker's address, for test clients. */
    public static String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("KafkaBrokerResource has not been started");
        }
        return broker.bootstrapServers();
    }
}
