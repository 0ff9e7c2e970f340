package dev.lifeguard.deploy.messaging;

import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.service.RollbackExecutions;
import dev.lifeguard.deploy.service.RollbackRunner;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes rollback requests: accepted (or skipped) in the intake's transaction, executed by the runner once that
 * transaction has committed, never inside it. deploy-service stays the only writer of what runs where.
 */
@ApplicationScoped
public class RollbackRequestConsumer {

    private static final String CONSUMER = "deploy-service/rollbacks";

    private final EventIntake intake;
    private final RollbackExecutions executions;
    private final RollbackRunner runner;

    public RollbackRequestConsumer(EventIntake intake, RollbackExecutions executions, RollbackRunner runner) {
        this.intake = intake;
        this.executions = executions;
        this.runner = runner;
    }

    @Incoming(Channels.ROLLBACK_REQUESTS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.ROLLBACK_REQUESTS, CONSUMER, record,
                type -> type.startsWith(EventTypes.ROLLBACK_REQUESTED_PREFIX),
                event -> executions.accept(RollbackRequestedEvent.from(event)));
        runner.wake();
    }
}
