package dev.lifeguard.benchmark.live;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Watches one topic from its end (read_committed) and keeps, per record key, the CreateTime of the first record
 * whose key the filter accepts (when the engine's anomaly or rollback-service's request for a target was produced),
 * and when this reader received it (for the engine's records: when their transaction was committed, plus a poll).
 */
final class RecordTimes implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Predicate<String> keys;
    private final Map<String, Long> firstTimestamps = new ConcurrentHashMap<>();
    private final Map<String, Long> firstReceived = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    RecordTimes(BenchKafka kafka, String topic, Predicate<String> keys) {
        this.keys = keys;
        this.consumer = kafka.reader("bench-watch-" + topic);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(partition -> consumer.position(partition, Duration.ofSeconds(30)));
        this.thread = new Thread(this::poll, "bench-watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() != null && keys.test(record.key())) {
                        firstTimestamps.putIfAbsent(record.key(), record.timestamp());
                        firstReceived.putIfAbsent(record.key(), System.currentTimeMillis());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    Long timestamp(String key) {
        return firstTimestamps.get(key);
    }

    /** When this reader got the key's first record: for the engine's records, once their transaction committed. */
    Long received(String key) {
        return firstReceived.get(key);
    }

    boolean seenAll(Collection<String> wanted) {
        return wanted.stream().allMatch(firstTimestamps::containsKey);
    }

    long seen(Collection<String> wanted) {
        return wanted.stream().filter(firstTimestamps::containsKey).count();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
