package dev.lifeguard.launcher.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/** A client's view of one topic on a broker, for tests that restart the broker under it. */
public final class KafkaCheck {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final String topic;

    public KafkaCheck(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    public void createTopic(int partitions) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
    }

    public int partitions() throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(BOUND.toSeconds(), TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        }
    }

    public void send(String value) throws InterruptedException, ExecutionException, TimeoutException {
        Properties properties = properties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "svc/prod", value)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** How many records the topic holds: the sum of its partitions' end offsets. */
    public long records() throws InterruptedException, ExecutionException, TimeoutException {
        return endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Reads, as a member of the group, everything up to the topic's current end that the group has not committed
     * yet, and commits it.
     */
    public List<String> consumeAndCommit(String group) throws InterruptedException, ExecutionException,
            TimeoutException {
        Map<TopicPartition, Long> end = endOffsets();
        Properties properties = properties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(BOUND).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return consumer.assignment().size() == end.size() && consumer.assignment().stream()
                        .allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
            consumer.commitSync(BOUND);
        }
        return values;
    }

    private Map<TopicPartition, Long> endOffsets() throws InterruptedException, ExecutionException,
            TimeoutException {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < partitions(); partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(latest).all()
                    .get(BOUND.toSeconds(), TimeUnit.SECONDS);
            return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                    entry -> entry.getValue().offset()));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }
}
