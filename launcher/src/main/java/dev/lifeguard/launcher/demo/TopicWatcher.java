package dev.lifeguard.launcher.demo;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads Lifeguard's topics from their current end (so only this run's events show), keeping the events about one
 * service (Kafka key {@code <service>/<environment>}). No consumer group: nothing is committed. Read committed, as
 * the services read: monitor-service's engine writes anomalies and verdicts in transactions, and an aborted one
 * (an engine instance that died mid-transaction) never happened.
 */
final class TopicWatcher implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Admin admin;
    private final String service;

    TopicWatcher(String bootstrapServers, List<String> topics, String service, Duration bound) {
        this.service = service;
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "lifeguard-demo");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(properties);
        Properties adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        admin = Admin.create(adminProperties);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, bound);
            if (infos == null || infos.isEmpty()) {
                throw new DemoFailure("topic " + topic + " has no partitions on " + bootstrapServers);
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, before the demo acts
        partitions.forEach(partition -> consumer.position(partition, bound));
    }

    /** The events about the watched service that arrived within {@code timeout}. */
    List<DemoEvent> poll(Duration timeout) {
        List<DemoEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
            DemoEvent.parse(record.topic(), record.partition(), record.offset(), record.key(), record.value())
                    .filter(event -> service.equals(event.service()))
                    .ifPresent(events::add);
        }
        return events;
    }

    /** The offset a consumer group has committed on a partition, if any. */
    OptionalLong committedOffset(String groupId, String topic, int partition) {
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            OffsetAndMetadata committed = offsets.get(topicPartition);
            return committed == null ? OptionalLong.empty() : OptionalLong.of(committed.offset());
        } catch (ExecutionException | TimeoutException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        admin.close(Duration.ofSeconds(2));
    }
}
