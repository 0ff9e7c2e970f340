package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.service.DeploymentService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Executes rollback requests; deploy-service stays the only writer of what runs where. */
@ApplicationScoped
public class RollbackRequestConsumer {

    private static final String CONSUMER = "deploy-service/rollbacks";

    private final EventIntake intake;
    private final DeploymentService deployments;

    public RollbackRequestConsumer(EventIntake intake, DeploymentService deployments) {
        this.intake = intake;
        this.deployments = deployments;
    }

    @Incoming(Channels.ROLLBACK_REQUESTS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.ROLLBACK_REQUESTS, CONSUMER, record,
                type -> type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX),
                event -> deployments.rollBack(RollbackRequestedEvent.from(event)));
    }
}
