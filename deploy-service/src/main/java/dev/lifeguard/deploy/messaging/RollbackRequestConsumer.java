package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Executes rollback requests; deploy-service stays the only writer of what runs where. */
@ApplicationScoped
public class RollbackRequestConsumer {

    private static final String CONSUMER = "deploy-service/rollbacks";

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final DeploymentService deployments;

    public RollbackRequestConsumer(CloudEventReader reader, ProcessedEvents processedEvents,
                                   DeploymentService deployments) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.deployments = deployments;
    }

    @Incoming(Channels.ROLLBACK_REQUESTS)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        if (!event.type().startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX)) {
            return;
        }
        RollbackRequestedEvent request = RollbackRequestedEvent.from(event);
        if (processedEvents.markProcessed(CONSUMER, request.eventId())) {
            deployments.rollBack(request);
        }
    }
}
