package dev.lifeguard.support.event;

import dev.lifeguard.support.consumer.RecordProcessor;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every CloudEvents consumer's one step: read the record (any CloudEvents shape), keep only the types the
 * consumer handles, skip events it has processed before (by event id, never by offset), and hand the event to
 * the handler, all in one transaction with the event id recorded, retried in place on transient failures and
 * dead-lettered when the record is unreadable (see {@link RecordProcessor}).
 */
@ApplicationScoped
public class EventIntake {

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final RecordProcessor processor;

    public EventIntake(CloudEventReader reader, ProcessedEvents processedEvents, RecordProcessor processor) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.processor = processor;
    }

    /**
     * Handles the record once per event id for this consumer.
     *
     * @param channel  the {@code @Incoming} channel the record came from
     * @param consumer the consumer's stable name in {@code processed_event}
     */
    public void process(String channel, String consumer, ConsumerRecord<String, String> record,
                        Predicate<String> handledTypes, Consumer<CloudEvent> handler) {
        processor.process(channel, consumer, record,
                () -> firstDelivery(consumer, record, handledTypes).ifPresent(handler));
    }

    /**
     * The event to handle, or empty when its type is not handled or it was processed before; the event id is
     * recorded in the caller's transaction, so if handling fails the record is neither lost nor marked.
     *
     * @throws MalformedEventException when the record is not a readable event
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<CloudEvent> firstDelivery(String consumer, ConsumerRecord<String, String> record,
                                              Predicate<String> handledTypes) {
        CloudEvent event = reader.read(record);
        if (!handledTypes.test(event.type()) || !processedEvents.markProcessed(consumer, event.id())) {
            return Optional.empty();
        }
        return Optional.of(event);
    }
}
