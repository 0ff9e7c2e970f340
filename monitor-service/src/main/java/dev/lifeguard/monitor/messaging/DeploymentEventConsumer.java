package dev.lifeguard.monitor.messaging;

import dev.lifeguard.monitor.event.DeploymentRolledBackEvent;
import dev.lifeguard.monitor.event.DeploymentStartedEvent;
import dev.lifeguard.monitor.event.EventTypes;
import dev.lifeguard.monitor.service.VerificationService;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Deployed and upgraded start a deployment's verification window; rolled back ends it. Unreadable records
 * throw, which dead-letters them to {@code lifeguard.deployments.dlq} with the reason.
 */
@ApplicationScoped
public class DeploymentEventConsumer {

    private static final String CONSUMER = "monitor-service/deployments";

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final VerificationService verification;

    public DeploymentEventConsumer(CloudEventReader reader, ProcessedEvents processedEvents,
                                   VerificationService verification) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.verification = verification;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        if (EventTypes.isServiceDeployment(event.type())) {
            DeploymentStartedEvent started = DeploymentStartedEvent.from(event);
            if (processedEvents.markProcessed(CONSUMER, started.eventId())) {
                verification.watch(started);
            }
        } else if (EventTypes.isServiceRollback(event.type())) {
            DeploymentRolledBackEvent rollback = DeploymentRolledBackEvent.from(event);
            if (processedEvents.markProcessed(CONSUMER, rollback.eventId())) {
                verification.rolledBack(rollback);
            }
        }
    }
}
