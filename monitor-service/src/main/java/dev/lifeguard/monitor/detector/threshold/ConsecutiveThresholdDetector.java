package dev.lifeguard.monitor.detector.threshold;

import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.Finding;
import dev.lifeguard.monitor.detector.Observation;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Anomalous when {@code consecutiveSamples} samples in a row (in measurement order) are strictly above
 * {@code threshold}. The first such run is the evidence: with samples arriving in order it is the run
 * that completed with the newest sample; with a batch or late samples no run is missed.
 */
@Singleton
@Identifier(ConsecutiveThresholdDetector.NAME)
public class ConsecutiveThresholdDetector implements Detector {

    public static final String NAME = "consecutive-threshold";

    private final String metric;
    private final double threshold;
    private final int consecutiveSamples;

    @Inject
    public ConsecutiveThresholdDetector(MonitorConfig config) {
        this(config.rule().metric(), config.rule().threshold(), config.rule().consecutiveSamples());
    }

    public ConsecutiveThresholdDetector(String metric, double threshold, int consecutiveSamples) {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("lifeguard.monitor.rule.metric must name a metric");
        }
        if (consecutiveSamples < 1) {
            throw new IllegalArgumentException("lifeguard.monitor.rule.consecutive-samples must be at least 1");
        }
        this.metric = metric;
        this.threshold = threshold;
        this.consecutiveSamples = consecutiveSamples;
    }

    @Override
    public String metric() {
        return metric;
    }

    @Override
    public Optional<Finding> evaluate(List<Observation> samples) {
        int run = 0;
        for (int i = 0; i < samples.size(); i++) {
            run = samples.get(i).value() > threshold ? run + 1 : 0;
            if (run == consecutiveSamples) {
                return Optional.of(finding(samples.subList(i + 1 - consecutiveSamples, i + 1)));
            }
        }
        return Optional.empty();
    }

    private Finding finding(List<Observation> evidence) {
        String limit = BigDecimal.valueOf(threshold).stripTrailingZeros().toPlainString();
        String streak = consecutiveSamples + (consecutiveSamples == 1 ? " sample" : " consecutive samples");
        return new Finding(metric + " > " + limit + " for " + streak, metric + " above " + limit + " for " + streak,
                metric, threshold, consecutiveSamples, evidence);
    }
}
