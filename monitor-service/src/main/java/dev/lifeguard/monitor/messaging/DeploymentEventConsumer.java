package dev.lifeguard.monitor.messaging;

import dev.lifeguard.monitor.event.DeploymentRolledBackEvent;
import dev.lifeguard.monitor.event.DeploymentStartedEvent;
import dev.lifeguard.monitor.event.EventTypes;
import dev.lifeguard.monitor.service.VerificationService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Deployed and upgraded start a deployment's verification window; rolled back ends it, even when it arrives before
 * the deployment. Repeats are recognised by event id. Unreadable records throw, which dead-letters them to
 * {@code lifeguard.deployments.dlq} with the reason.
 */
@ApplicationScoped
public class DeploymentEventConsumer {

    private static final String CONSUMER = "monitor-service/deployments";

    private final EventIntake intake;
    private final VerificationService verification;

    public DeploymentEventConsumer(EventIntake intake, VerificationService verification) {
        this.intake = intake;
        this.verification = verification;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.DEPLOYMENTS, CONSUMER, record,
                type -> EventTypes.isServiceDeployment(type) || EventTypes.isServiceRollback(type), event -> {
                    if (EventTypes.isServiceDeployment(event.type())) {
                        verification.watch(DeploymentStartedEvent.from(event));
                    } else {
                        verification.rolledBack(DeploymentRolledBackEvent.from(event));
                    }
                });
    }
}
