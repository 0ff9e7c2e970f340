package dev.lifeguard.notify.messaging;

import dev.lifeguard.notify.event.NotifiableEvents;
import dev.lifeguard.notify.service.NotificationService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;


/**
 * Reads the streams teams hear about. Unreadable records throw, which dead-letters them to
 * {@code <topic>.dlq} with the reason; event types no one is told about are skipped. Events read but not worth telling
 * (a passing analysis of one rollout step, a decision another event tells) are still remembered where later events
 * need them (a settled approval).
 */
@ApplicationScoped
public class NotifiableEventConsumer {


    private final EventIntake intake;
    private final NotificationService notifications;

    public NotifiableEventConsumer(EventIntake intake, NotificationService notifications) {
        this.intake = intake;
        this.notifications = notifications;
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
    public void consumeRollback(ConsumerRecord<String, String> record) {
        consume(Channels.ROLLBACKS, record);
    }

    @Incoming(Channels.ANALYSES)
    @Blocking
    public void consumeAnalysis(ConsumerRecord<String, String> record) {
        consume(Channels.ANALYSES, record);
    }

    private void consume(String channel, ConsumerRecord<String, String> record) {
        intake.process(channel, "notify-service/" + channel, record, NotifiableEvents::isNotifiable,
                event -> NotifiableEvents.from(event).ifPresent(notifications::notifyAbout));
    }
}
