package dev.lifeguard.monitor.messaging;

import dev.lifeguard.monitor.service.AnalysisReadModel;
import dev.lifeguard.support.consumer.RecordProcessor;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Builds the REST read model from the engine's progress snapshots (read committed: only snapshots of committed
 * engine transactions). Idempotent by the snapshot's revision, not by offset; an unreadable snapshot is
 * dead-lettered to {@code lifeguard.monitor.analysis-progress.dlq}.
 */
@ApplicationScoped
public class AnalysisProgressConsumer {

    private static final String CONSUMER = "monitor-service/analysis-progress";

    private final RecordProcessor processor;
    private final AnalysisReadModel readModel;

    public AnalysisProgressConsumer(RecordProcessor processor, AnalysisReadModel readModel) {
        this.processor = processor;
        this.readModel = readModel;
    }

    @Incoming(Channels.ANALYSIS_PROGRESS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        processor.process(Channels.ANALYSIS_PROGRESS, CONSUMER, record, () -> readModel.take(record.value()));
    }
}
