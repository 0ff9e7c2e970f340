package dev.lifeguard.support.consumer;

import dev.lifeguard.support.kafka.KafkaClients;
import dev.lifeguard.support.kafka.TopicProvisioner;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sets a record that can never be processed aside on {@code <topic>.dlq}: same key, value and headers, plus
 * why, by whom and from where. The send is synchronous: if it fails, the caller retries, so a poison record
 * is never acknowledged before it is safely in its dead-letter topic.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "dead-letter-reason";
    public static final String EXCEPTION = "dead-letter-exception-class-name";
    public static final String GROUP = "dead-letter-group";
    public static final String CONSUMER = "dead-letter-consumer";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaClients kafka;

    public DeadLetters(KafkaClients kafka) {
        this.kafka = kafka;
    }

    public void publish(ConsumerRecord<String, String> record, String group, String consumer, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        add(headers, REASON, reason.getMessage() == null ? reason.toString() : reason.getMessage());
        add(headers, EXCEPTION, reason.getClass().getName());
        add(headers, GROUP, group);
        add(headers, CONSUMER, consumer);
        add(headers, TOPIC, record.topic());
        add(headers, PARTITION, Integer.toString(record.partition()));
        add(headers, OFFSET, Long.toString(record.offset()));
        String deadLetterTopic = record.topic() + TopicProvisioner.DEAD_LETTER_SUFFIX;
        try {
            kafka.producer().send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers))
                    .get(kafka.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + origin(record), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not dead-letter " + origin(record) + " to " + deadLetterTopic, e);
        }
        LOG.warnf("%s: %s dead-lettered to %s: %s", consumer, origin(record), deadLetterTopic, reason.getMessage());
    }

    static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
