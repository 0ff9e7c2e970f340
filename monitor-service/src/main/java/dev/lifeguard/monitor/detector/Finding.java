package dev.lifeguard.monitor.detector;

import java.util.List;

/**
 * Why a detector judged samples anomalous.
 *
 * @param rule               the rule in short form, e.g. {@code error_rate > 0.05 for 3 consecutive samples}
 * @param summary            the rule as a sentence, e.g. {@code error_rate above 0.05 for 3 consecutive samples}
 * @param consecutiveSamples null for rules that do not count samples in a row
 * @param evidence           the samples that broke the rule, oldest first (never empty)
 */
public record Finding(String rule, String summary, String metric, double threshold, Integer consecutiveSamples,
                      List<Observation> evidence) {

    public Finding {
        if (evidence == null || evidence.isEmpty()) {
            throw new IllegalArgumentException("a finding needs evidence");
        }
        evidence = List.copyOf(evidence);
    }

    public List<Double> observedValues() {
        return evidence.stream().map(Observation::value).toList();
    }
}
