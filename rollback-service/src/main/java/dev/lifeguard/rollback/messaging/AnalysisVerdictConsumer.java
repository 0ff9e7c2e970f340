package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.event.AnalysisFinishedEvent;
import dev.lifeguard.rollback.event.EventTypes;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Decides on monitor-service's inconclusive verdicts of full-traffic analyses (the policy's {@code onInconclusive});
 * passed and failed verdicts (failed ones come as anomalies) and step verdicts (deploy-service's) are ignored.
 * Unreadable records go to {@code lifeguard.analyses.dlq}.
 */
@ApplicationScoped
public class AnalysisVerdictConsumer {

    private static final String CONSUMER = "rollback-service/analyses";

    private final EventIntake intake;
    private final RollbackService rollbacks;

    public AnalysisVerdictConsumer(EventIntake intake, RollbackService rollbacks) {
        this.intake = intake;
        this.rollbacks = rollbacks;
    }

    @Incoming(Channels.ANALYSES)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.ANALYSES, CONSUMER, record, EventTypes::isAnalysisFinished, event -> {
            if (AnalysisFinishedEvent.decidable(event)) {
                rollbacks.inconclusiveVerdict(AnalysisFinishedEvent.from(event));
            }
        });
    }
}
