package dev.lifeguard.monitor.messaging;

import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.service.VerificationService;
import dev.lifeguard.support.consumer.RecordProcessor;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes in metric samples (plain JSON, one sample or an array). A record that breaks the contract is
 * dead-lettered to {@code lifeguard.metrics.dlq} as a whole, with the offending field in the reason. Repeats are
 * recognised by each sample's identity ({@code SampleIdentity}), never by the record's offset, so a topic reset
 * loses nothing and a redelivery counts nothing twice.
 */
@ApplicationScoped
public class MetricsConsumer {

    private static final String CONSUMER = "monitor-service/metrics";

    private final MetricSampleReader sampleReader;
    private final RecordProcessor processor;
    private final VerificationService verification;

    public MetricsConsumer(MetricSampleReader sampleReader, RecordProcessor processor, VerificationService verification) {
        this.sampleReader = sampleReader;
        this.processor = processor;
        this.verification = verification;
    }

    @Incoming(Channels.METRICS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        processor.process(Channels.METRICS, CONSUMER, record, () -> verification.ingest(sampleReader.read(record.value())));
    }
}
