package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.service.IncidentService;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Reads every Lifeguard stream into the timeline. Unreadable records throw, which dead-letters them to
 * {@code <topic>.dlq} with the reason; event types the timeline does not show are skipped.
 */
@ApplicationScoped
public class ChainEventConsumer {

    /** One name for all streams: they feed one read model, where an event id is unique whatever its topic. */
    private static final String CONSUMER = "postmortem-service/timeline";
    private static final Logger LOG = Logger.getLogger(ChainEventConsumer.class);

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final IncidentService incidents;

    public ChainEventConsumer(CloudEventReader reader, ProcessedEvents processedEvents, IncidentService incidents) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.incidents = incidents;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    @Transactional
    public void consumeDeployment(ConsumerRecord<String, String> record) {
        consume(record);
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    @Transactional
    public void consumeAnomaly(ConsumerRecord<String, String> record) {
        consume(record);
    }

    @Incoming(Channels.ROLLBACKS)
    @Blocking
    @Transactional
    public void consumeRollbackRequest(ConsumerRecord<String, String> record) {
        consume(record);
    }

    @Incoming(Channels.NOTIFICATIONS)
    @Blocking
    @Transactional
    public void consumeNotification(ConsumerRecord<String, String> record) {
        consume(record);
    }

    private void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        Optional<ChainEvent> chainEvent = ChainEvent.read(event);
        if (chainEvent.isEmpty()) {
            LOG.debugf("Ignoring event %s of type %s from %s", event.id(), event.type(), record.topic());
            return;
        }
        if (processedEvents.markProcessed(CONSUMER, event.id())) {
            incidents.record(chainEvent.get());
        }
    }
}
