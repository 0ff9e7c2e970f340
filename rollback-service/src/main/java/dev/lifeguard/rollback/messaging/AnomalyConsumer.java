package dev.lifeguard.rollback.messaging;

import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.event.EventTypes;
import dev.lifeguard.rollback.service.RollbackService;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Turns monitor-service's anomalies into rollback decisions; unreadable ones go to {@code lifeguard.anomalies.dlq}. */
@ApplicationScoped
public class AnomalyConsumer {

    private static final String CONSUMER = "rollback-service/anomalies";

    private final CloudEventReader reader;
    private final ProcessedEvents processedEvents;
    private final RollbackService rollbacks;

    public AnomalyConsumer(CloudEventReader reader, ProcessedEvents processedEvents, RollbackService rollbacks) {
        this.reader = reader;
        this.processedEvents = processedEvents;
        this.rollbacks = rollbacks;
    }

    @Incoming(Channels.ANOMALIES)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        CloudEvent event = reader.read(record);
        if (!EventTypes.isIncidentDetected(event.type())) {
            return;
        }
        AnomalyDetectedEvent anomaly = AnomalyDetectedEvent.from(event);
        if (processedEvents.markProcessed(CONSUMER, anomaly.eventId())) {
            rollbacks.anomalyDetected(anomaly);
        }
    }
}
