package dev.lifeguard.deploy.plumbing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.support.config.OutboxConfig;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.kafka.KafkaClients;
import dev.lifeguard.support.kafka.TopicProvisioner;
import dev.lifeguard.support.outbox.Outbox;
import dev.lifeguard.support.outbox.OutboxRelay;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances relaying one outbox at once, with the safety-net poll switched off: every row is sent, exactly
 * once here (no claim expires), each writer's rows keep their order per key, and no row waits for a poll.
 */
@QuarkusTest
@TestProfile(OutboxRelayTwoInstancesTest.NoSafetyNetPoll.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class OutboxRelayTwoInstancesTest {

    /** Only wake-ups after commits send rows in this test. */
    public static class NoSafetyNetPoll implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lifeguard.outbox.poll-interval", "1h");
        }
    }

    private static final int ROWS_PER_WRITER = 60;
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");

    @Inject
    Outbox outbox;

    @Inject
    EntityManager entityManager;

    @Inject
    KafkaClients kafkaClients;

    @Inject
    TopicProvisioner topics;

    @Inject
    ManagedExecutor executor;

    @Inject
    OutboxConfig config;

    @Inject
    ObjectMapper mapper;

    @Test
    void twoRelaysSendEveryRowOnceInOrderPerKeyWithoutThePoll() throws Exception {
        String topic = "lifeguard.test.relay-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaBrokerResource.broker().createTopics(topic);
        OutboxRelay otherInstance = new OutboxRelay(entityManager, kafkaClients, topics, executor, config,
                () -> "deploy-service-2");

        // This instance's relay is woken by its own commits; the other instance's writer wakes the other relay.
        CompletableFuture<Void> thisInstance = CompletableFuture.runAsync(() -> IntStream.range(0, ROWS_PER_WRITER)
                .forEach(i -> enqueue(topic, "a", i)));
        CompletableFuture<Void> secondInstance = CompletableFuture.runAsync(() -> IntStream.range(0, ROWS_PER_WRITER)
                .forEach(i -> {
                    enqueue(topic, "b", i);
                    otherInstance.publishAllPending();
                }));
        CompletableFuture.allOf(thisInstance, secondInstance).get(120, TimeUnit.SECONDS);

        await("every row sent by wake-ups alone").atMost(Duration.ofSeconds(60)).until(() ->
                outbox.list(Optional.empty(), 1000).stream().noneMatch(row -> row.topic.equals(topic)));
        List<ConsumerRecord<String, String>> records = kafka().readAll(topic);
        Map<String, Long> copies = records.stream()
                .collect(Collectors.groupingBy(OutboxRelayTwoInstancesTest::text, Collectors.counting()));
        assertThat(copies).hasSize(2 * ROWS_PER_WRITER).allSatisfy((row, count) -> assertThat(count).as(row).isEqualTo(1));
        for (String key : KEYS) {
            for (String writer : List.of("a", "b")) {
                List<Integer> sequence = records.stream().filter(record -> key.equals(record.key()))
                        .map(OutboxRelayTwoInstancesTest::text).filter(text -> text.startsWith(writer + "-"))
                        .map(text -> Integer.parseInt(text.substring(2))).toList();
                assertThat(sequence).as("writer %s on key %s", writer, key).isSorted().isNotEmpty();
            }
        }
    }

    private void enqueue(String topic, String writer, int sequence) {
        CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), "/test", "dev.lifeguard.test", null, null, null,
                mapper.createObjectNode().put("text", writer + "-" + sequence));
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(topic, KEYS.get(sequence % KEYS.size()), event));
    }

    private static String text(ConsumerRecord<String, String> record) {
        return JsonPath.from(record.value()).getString("data.text");
    }
}
