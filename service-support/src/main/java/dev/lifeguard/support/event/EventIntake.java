package dev.lifeguard.support.event;

import dev.lifeguard.support.idempotency.ProcessedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * The first step of every consumer: read the record (any CloudEvents shape), keep only the types the
 * consumer handles, and skip events it has processed before. The event id is recorded in the caller's
 * transaction, so if handling fails the record is neither lost nor marked.
 */
@ApplicationScoped
public class EventIntake {

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;

    public EventIntake(CloudEventReader reader, ProcessedEvents processedEvents) {
        this.reader = reader;
        this.processedEvents = processedEvents;
    }

    /**
     * The event to handle, or empty when its type is not handled or it was processed before.
     *
     * @throws MalformedEventException when the record is not a readable event (it is then dead-lettered)
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
