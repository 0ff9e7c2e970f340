package dev.lifeguard.monitor.stream;

import dev.lifeguard.support.consumer.DeadLetters;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The same dead-letter headers the Reactive Messaging consumers write, for records the engine refuses. */
final class DeadLetterHeaders {

    static final String GROUP = "lifeguard-monitor-analysis";

    private DeadLetterHeaders() {
    }

    static Headers of(Headers original, String consumer, String reason, String exceptionClass,
                      Optional<RecordMetadata> from) {
        RecordHeaders headers = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        put(headers, DeadLetters.REASON, reason);
        put(headers, DeadLetters.EXCEPTION, exceptionClass);
        put(headers, DeadLetters.GROUP, GROUP);
        put(headers, DeadLetters.CONSUMER, consumer);
        from.ifPresent(metadata -> {
            put(headers, DeadLetters.TOPIC, metadata.topic());
            put(headers, DeadLetters.PARTITION, String.valueOf(metadata.partition()));
            put(headers, DeadLetters.OFFSET, String.valueOf(metadata.offset()));
        });
        return headers;
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
