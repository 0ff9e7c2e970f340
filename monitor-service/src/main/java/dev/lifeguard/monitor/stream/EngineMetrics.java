package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.detector.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the engine did with the samples and analyses it saw ({@code lifeguard_monitor_samples_total{outcome}},
 * {@code lifeguard_monitor_analyses_total{outcome}}): nothing is dropped without being counted.
 */
@ApplicationScoped
public class EngineMetrics {

    /** Why a sample was taken or left. */
    public enum SampleOutcome {
        /** judged in a running analysis */
        ANALYSED,
        /** the stable version beside a running analysis (canary comparison) */
        STABLE,
        /** the stable version between analyses, kept as the next baseline */
        BASELINE,
        /** a target or metric nobody analyses: dropped at the door */
        UNANALYSED,
        /** older than the analysis it would belong to */
        LATE,
        /** already taken (same series, same or older timestamp) */
        DUPLICATE,
        /** held until its deployment is announced */
        EARLY,
        /** held too long, or too many, waiting for a deployment */
        EARLY_EXPIRED,
        /** a pull provider could not measure */
        PROVIDER_ERROR,
        /** refused: sent to lifeguard.metrics.dlq */
        DEAD_LETTERED
    }

    private final Map<SampleOutcome, Counter> samples = new EnumMap<>(SampleOutcome.class);
    private final Map<Outcome, Counter> analyses = new EnumMap<>(Outcome.class);

    public EngineMetrics(MeterRegistry registry) {
        for (SampleOutcome outcome : SampleOutcome.values()) {
            samples.put(outcome, Counter.builder("lifeguard.monitor.samples")
                    .description("Metric samples seen by the analysis engine, by what became of them")
                    .tag("outcome", outcome.name().toLowerCase().replace('_', '-')).register(registry));
        }
        for (Outcome outcome : Outcome.values()) {
            if (outcome.isFinal()) {
                analyses.put(outcome, Counter.builder("lifeguard.monitor.analyses")
                        .description("Analyses ended, by verdict").tag("outcome", outcome.wireName()).register(registry));
            }
        }
    }

    public void count(SampleOutcome outcome, long samples) {
        this.samples.get(outcome).increment(samples);
    }

    public void deadLettered(long samples) {
        count(SampleOutcome.DEAD_LETTERED, samples);
    }

    public void ended(Outcome outcome) {
        analyses.get(outcome).increment();
    }

    public double samples(SampleOutcome outcome) {
        return samples.get(outcome).count();
    }
}
