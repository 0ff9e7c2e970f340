package dev.lifeguard.monitor.messaging;

import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.service.ReportedSample;
import dev.lifeguard.monitor.service.VerificationService;
import dev.lifeguard.support.idempotency.ProcessedEvents;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;

/**
 * Takes in metric samples (plain JSON, one sample or an array). A record that breaks the contract is
 * dead-lettered to {@code lifeguard.metrics.dlq} as a whole, with the offending field in the reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    private static final String CONSUMER = "monitor-service/metrics";

    private final MetricSampleReader sampleReader;
    private final ProcessedEvents processedEvents;
    private final VerificationService verification;

    public MetricsConsumer(MetricSampleReader sampleReader, ProcessedEvents processedEvents,
                           VerificationService verification) {
        this.sampleReader = sampleReader;
        this.processedEvents = processedEvents;
        this.verification = verification;
    }

    @Incoming(Channels.METRICS)
    @Blocking
    @Transactional
    public void consume(ConsumerRecord<String, String> record) {
        List<ReportedSample> samples = sampleReader.read(record.value());
        // Samples carry no event id: the record's position is what a redelivery repeats.
        String position = record.topic() + "/" + record.partition() + "@" + record.offset();
        if (processedEvents.markProcessed(CONSUMER, position)) {
            verification.ingest(samples);
        }
    }
}
