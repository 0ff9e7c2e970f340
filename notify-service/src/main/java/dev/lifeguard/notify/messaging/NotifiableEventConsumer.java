package dev.lifeguard.notify.messaging;

import dev.lifeguard.notify.event.NotifiableEvent;
import dev.lifeguard.notify.event.NotifiableEvents;
import dev.lifeguard.notify.service.NotificationService;
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
 * Reads the three streams teams hear about. Unreadable records throw, which dead-letters them to
 * {@code <topic>.dlq} with the reason; event types no one is told about are skipped.
 */
@ApplicationScoped
public class NotifiableEventConsumer {

    private static final Logger LOG = Logger.getLogger(NotifiableEventConsumer.class);

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final NotificationService notifications;

    public NotifiableEventConsumer(CloudEventReader reader, ProcessedEvents processedEvents,
                                   NotificationService notifications) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.notifications = notifications;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    @Transactional
    public void consumeDeployment(ConsumerRecord<String, String> record) {
        consume(Channels.DEPLOYMENTS, record);
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    @Transactional
    public void consumeAnomaly(ConsumerRecord<String, String> record) {
        consume(Channels.ANOMALIES, record);
    }

    @Incoming(Channels.ROLLBACKS)
    @Blocking
    @Transactional
    public void consumeRollback(ConsumerRecord<String, String> record) {
        consume(Channels.ROLLBACKS, record);
    }

    private void consume(String channel, ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        Optional<NotifiableEvent> notifiable = NotifiableEvents.from(event);
        if (notifiable.isEmpty()) {
            LOG.debugf("Ignoring event %s of type %s on %s", event.id(), event.type(), channel);
            return;
        }
        if (processedEvents.markProcessed("notify-service/" + channel, event.id())) {
            notifications.notifyAbout(notifiable.get());
        }
    }
}
