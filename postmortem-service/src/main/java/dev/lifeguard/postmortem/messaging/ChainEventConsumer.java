package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.event.ChainEvent;
import dev.lifeguard.postmortem.service.IncidentService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;


/**
 * Reads every Lifeguard stream into the timeline. Unreadable records throw, which dead-letters them to
 * {@code <topic>.dlq} with the reason; event types the timeline does not show are skipped.
 */
@ApplicationScoped
public class ChainEventConsumer {

    /** One name for all streams: they feed one read model, where an event id is unique whatever its topic. */
    private static final String CONSUMER = "postmortem-service/timeline";

    private final EventIntake intake;
    private final IncidentService incidents;

    public ChainEventConsumer(EventIntake intake, IncidentService incidents) {
        this.intake = intake;
        this.incidents = incidents;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    public void consumeDeployment(ConsumerRecord<String, String> record) {
        consume(Channels.DEPLOYMENTS, record);
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    public void consumeAnomaly(ConsumerRecord<String, String> record) {
        consume(Channels.ANOMALIES, record);
    }

    @Incoming(Channels.ROLLBACKS)
    @Blocking
    public void consumeRollbackRequest(ConsumerRecord<String, String> record) {
        consume(Channels.ROLLBACKS, record);
    }

    @Incoming(Channels.ANALYSES)
    @Blocking
    public void consumeAnalysis(ConsumerRecord<String, String> record) {
        consume(Channels.ANALYSES, record);
    }

    @Incoming(Channels.NOTIFICATIONS)
    @Blocking
    public void consumeNotification(ConsumerRecord<String, String> record) {
        consume(Channels.NOTIFICATIONS, record);
    }

    private void consume(String channel, ConsumerRecord<String, String> record) {
        intake.process(channel, CONSUMER, record, ChainEvent::isTimelineEvent,
                event -> ChainEvent.read(event).ifPresent(incidents::record));
    }
}
