package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.event.EventTypes;
import dev.lifeguard.rollback.event.RollbackExecutionReport;
import dev.lifeguard.rollback.event.RolloutStepStartedEvent;
import dev.lifeguard.rollback.event.ServiceDeployedEvent;
import dev.lifeguard.rollback.event.ServiceRolledBackEvent;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Follows deploy-service's lifecycle events to know which deployment runs where and what its rollback
 * target is (rollout steps included: a deployment rolling out beside the stable one), and its reports on executing rollback requests (accepted, failed, skipped). Unreadable records
 * are dead-lettered to {@code lifeguard.deployments.dlq} with the reason.
 */
@ApplicationScoped
public class DeploymentEventConsumer {

    private static final String CONSUMER = "rollback-service/deployments";

    private final EventIntake intake;
    private final RollbackService rollbacks;

    public DeploymentEventConsumer(EventIntake intake, RollbackService rollbacks) {
        this.intake = intake;
        this.rollbacks = rollbacks;
    }

    @Incoming(Channels.DEPLOYMENTS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.DEPLOYMENTS, CONSUMER, record,
                type -> EventTypes.isServiceDeployment(type) || EventTypes.isServiceRolledBack(type)
                        || EventTypes.isRollbackExecutionReport(type) || EventTypes.isRolloutStepStarted(type), event -> {
                    if (EventTypes.isRolloutStepStarted(event.type())) {
                        rollbacks.rolloutStepStarted(RolloutStepStartedEvent.from(event));
                    } else if (EventTypes.isServiceDeployment(event.type())) {
                        rollbacks.deploymentStarted(ServiceDeployedEvent.from(event));
                    } else if (EventTypes.isServiceRolledBack(event.type())) {
                        rollbacks.deploymentRolledBack(ServiceRolledBackEvent.from(event));
                    } else {
                        rollbacks.executionReported(RollbackExecutionReport.from(event));
                    }
                });
    }
}
