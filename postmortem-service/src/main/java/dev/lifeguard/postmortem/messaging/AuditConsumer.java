package dev.lifeguard.postmortem.messaging;

import dev.lifeguard.postmortem.event.AuditRecorded;
import dev.lifeguard.postmortem.service.AuditService;
import dev.lifeguard.support.event.EventIntake;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code lifeguard.audit} into the audit read model, once per event id; an unreadable entry is dead-lettered to
 * {@code lifeguard.audit.dlq} with the reason, other event types are skipped.
 */
@ApplicationScoped
public class AuditConsumer {

    static final String CONSUMER = "postmortem-service/audit";

    private final EventIntake intake;
    private final AuditService audit;

    public AuditConsumer(EventIntake intake, AuditService audit) {
        this.intake = intake;
        this.audit = audit;
    }

    @Incoming(Channels.AUDIT)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        intake.process(Channels.AUDIT, CONSUMER, record, AuditRecorded::isAuditEvent,
                event -> audit.record(AuditRecorded.read(event)));
    }
}
