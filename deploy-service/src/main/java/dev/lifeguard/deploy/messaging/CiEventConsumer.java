package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.CiDeploymentEvent;
import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.deploy.service.ReportedDeployment;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads CI's deployment events in any shape (bare CDEvent, structured or binary CloudEvent). Unreadable
 * records go to {@code lifeguard.ci.dlq} with the reason; other event types are CI chatter this service does
 * not need and are skipped; transient failures are retried in place (see {@code EventIntake}).
 */
@ApplicationScoped
public class CiEventConsumer {

    private static final String CONSUMER = "deploy-service/ci";

    private final EventIntake intake;
    private final DeploymentService deployments;

    public CiEventConsumer(EventIntake intake, DeploymentService deployments) {
        this.intake = intake;
        this.deployments = deployments;
    }

    @Incoming(Channels.CI)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.CI, CONSUMER, record, EventTypes::isServiceDeployment, event -> {
            CiDeploymentEvent ci = CiDeploymentEvent.from(event);
            deployments.record(new ReportedDeployment(ci.service(), ci.environment(), ci.version(), ci.artifactId(),
                    ci.team(), ci.commit(), ci.changeUrl(), ci.chainId(), ci.eventId(), null));
        });
    }
}
