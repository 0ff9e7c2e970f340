package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.event.EventTypes;
import dev.lifeguard.rollback.event.ServiceDeployedEvent;
import dev.lifeguard.rollback.event.ServiceRolledBackEvent;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Follows deploy-service's lifecycle events to know which deployment runs where and what its rollback
 * target is. Unreadable records are dead-lettered to {@code lifeguard.deployments.dlq} with the reason.
 */
@ApplicationScoped
public class DeploymentEventConsumer {

    private static final String CONSUMER = "rollback-service/deployments";

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final RollbackService rollbacks;

    public DeploymentEventConsumer(CloudEventReader reader, ProcessedEvents processedEvents, RollbackService rollbacks) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.rollbacks = rollbacks;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        if (EventTypes.isServiceDeployment(event.type())) {
            ServiceDeployedEvent deployed = ServiceDeployedEvent.from(event);
            if (processedEvents.markProcessed(CONSUMER, event.id())) {
                rollbacks.deploymentStarted(deployed);
            }
        } else if (EventTypes.isServiceRolledBack(event.type())) {
            ServiceRolledBackEvent rolledBack = ServiceRolledBackEvent.from(event);
            if (processedEvents.markProcessed(CONSUMER, event.id())) {
                rollbacks.deploymentRolledBack(rolledBack);
            }
        }
    }
}
