package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.event.EventTypes;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Turns monitor-service's anomalies into rollback decisions; unreadable ones go to {@code lifeguard.anomalies.dlq}. */
@ApplicationScoped
public class AnomalyConsumer {

    private static final String CONSUMER = "rollback-service/anomalies";

    private final EventIntake intake;
    private final RollbackService rollbacks;

    public AnomalyConsumer(EventIntake intake, RollbackService rollbacks) {
        this.intake = intake;
        this.rollbacks = rollbacks;
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.ANOMALIES, CONSUMER, record, EventTypes::isIncidentDetected,
                event -> rollbacks.anomalyDetected(AnomalyDetectedEvent.from(event)));
    }
}
