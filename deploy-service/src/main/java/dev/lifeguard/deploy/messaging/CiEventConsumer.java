package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.CiDeploymentEvent;
import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.ReportedDeployment;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads CI's deployment events in any shape (bare CDEvent, structured or binary CloudEvent). Unreadable
 * records throw, which dead-letters them to {@code lifeguard.ci.dlq} with the reason; other event types
 * are CI chatter this service does not need and are skipped.
 */
@ApplicationScoped
public class CiEventConsumer {

    private static final Logger LOG = Logger.getLogger(CiEventConsumer.class);
    private static final String CONSUMER = "deploy-service/ci";

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final DeploymentService deployments;

    public CiEventConsumer(CloudEventReader reader, ProcessedEvents processedEvents, DeploymentService deployments) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.deployments = deployments;
    }

    @Incoming(Channels.CI)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        if (!EventTypes.isServiceDeployment(event.type())) {
            LOG.debugf("Ignoring CI event %s of type %s", event.id(), event.type());
            return;
        }
        CiDeploymentEvent ci = CiDeploymentEvent.from(event);
        if (!processedEvents.markProcessed(CONSUMER, ci.eventId())) {
            return;
        }
        deployments.record(new ReportedDeployment(ci.service(), ci.environment(), ci.version(), ci.artifactId(),
                ci.team(), ci.commit(), ci.changeUrl(), ci.chainId(), ci.eventId()));
    }
}
