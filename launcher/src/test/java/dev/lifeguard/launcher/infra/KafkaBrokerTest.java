package dev.lifeguard.launcher.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher's broker, in this JVM: an in-process restart of Kafka 4.1's KafkaRaftServer keeps topics, records
 * and committed offsets; and the broker never creates a topic on its own.
 */
class KafkaBrokerTest {

    @TempDir
    static Path logDirectory;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = KafkaBroker.start(logDirectory, freePort(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            assertThat(broker.awaitShutdown(Duration.ZERO)).as("stopped for good").isTrue();
        }
    }

    @Test
    void aRestartKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
        KafkaCheck topic = new KafkaCheck(broker.bootstrapServers(), "lifeguard.restart-test");
        topic.createTopic(3);
        topic.send("before restart");
        assertThat(topic.consumeAndCommit("restart-test")).containsExactly("before restart");

        broker.restart();

        assertThat(broker.awaitShutdown(Duration.ZERO)).as("a restart is no shutdown").isFalse();
        assertThat(topic.partitions()).isEqualTo(3);
        assertThat(topic.records()).isEqualTo(1);
        topic.send("after restart");
        assertThat(topic.consumeAndCommit("restart-test")).as("the group resumes after its committed offset")
                .containsExactly("after restart");
    }

    @Test
    void topicsAreNeverCreatedByTheBroker() throws Exception {
        Map<String, Object> properties = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new StringSerializer())) {
            // a producer's metadata request asks the broker to create a missing topic
            assertThatThrownBy(() -> producer.partitionsFor("lifeguard.never-created"))
                    .isInstanceOf(TimeoutException.class);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).doesNotContain("lifeguard.never-created");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
