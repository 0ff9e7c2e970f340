package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.event.InvalidSampleException;
import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.service.ReportedSample;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads records of the metrics topic at the door: a record that breaks the contract is dead-lettered whole, with
 * the field in the reason; a valid one becomes one batch per target, keyed by target. Undated samples are dated
 * by the record. A batch whose record was already keyed by its target stays on its partition; others are re-keyed.
 */
final class SampleReadProcessor implements Processor<String, String, String, SampleRead> {

    static final String CONSUMER = "monitor-service/analysis-engine";

    private final MetricSampleReader reader;
    private final Duration clockSkew;
    private final EngineMetrics metrics;
    private ProcessorContext<String, SampleRead> context;

    SampleReadProcessor(MetricSampleReader reader, Duration clockSkew, EngineMetrics metrics) {
        this.reader = reader;
        this.clockSkew = clockSkew;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SampleRead> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
        List<ReportedSample> samples;
        try {
            samples = reader.read(record.value(), Instant.ofEpochMilli(context.currentSystemTimeMs()).plus(clockSkew));
        } catch (InvalidSampleException e) {
            metrics.deadLettered(1);
            context.forward(record.withValue(new SampleRead(null, false, record.value(), e.getMessage()))
                    .withHeaders(DeadLetterHeaders.of(record.headers(), CONSUMER, e.getMessage(),
                            e.getClass().getName(), context.recordMetadata())));
            return;
        }
        Map<String, List<TargetSample>> byTarget = new LinkedHashMap<>();
        Map<String, ReportedSample> firstOfTarget = new LinkedHashMap<>();
        for (ReportedSample sample : samples) {
            byTarget.computeIfAbsent(sample.target(), target -> new ArrayList<>()).add(new TargetSample(sample.version(),
                    sample.metric(), sample.value(),
                    sample.timestamp() != null ? sample.timestamp().toInstant().toEpochMilli() : record.timestamp(),
                    sample.timestamp() != null, sample.source(), sample.provider(), sample.query(), sample.error()));
            firstOfTarget.putIfAbsent(sample.target(), sample);
        }
        byTarget.forEach((target, targetSamples) -> {
            ReportedSample first = firstOfTarget.get(target);
            SampleBatch batch = new SampleBatch(first.service(), first.environment(), targetSamples);
            context.forward(record.withKey(target)
                    .withValue(new SampleRead(batch, target.equals(record.key()), null, null)));
        });
    }
}
