package dev.lifeguard.benchmark.quality;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.IntervalStats;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * Feeds one synthetic deployment through one detector the way monitor-service's streaming engine does: the baseline
 * (the stable version's last ≤ 240 values and their per-interval means at negative indexes), then minute by minute
 * the stable version's sample alongside (into {@code stableIntervals}) and the new version's sample (statistics,
 * recent samples and current interval updated, then {@code observe}); a FAILED ends the analysis; at the end of the
 * window fewer than {@code minSamples} samples is INCONCLUSIVE, otherwise {@code conclude} decides.
 */
public final class EngineReplay {

    public static final int BASELINE_LIMIT = 240;

    private final long intervalMillis;
    private final int minSamples;

    public EngineReplay(long intervalMillis, int minSamples) {
        this.intervalMillis = intervalMillis;
        this.minSamples = minSamples;
    }

    /**
     * @param outcome       the metric's final outcome
     * @param samples       new-version samples analysed (up to the failure)
     * @param samplesBeforeOnset how many of them came before the regression began
     * @param decidedBy     "observe", "conclude" or "engine" (too few samples)
     * @param maxMemory     the largest the detector's memory got, in entries
     */
    public record Run(Outcome outcome, int samples, int samplesBeforeOnset, String decidedBy, int maxMemory, String reason) {
    }

    public Run replay(Detector detector, ObjectNode spec, SyntheticDeployment deployment) {
        MetricTrack track = new MetricTrack();
        track.metric = spec.path("metric").asText();
        track.provider = "synthetic";
        track.detector = detector.name();
        track.parameters = detector.parameters(spec, "metrics[0]");
        fillBaseline(track, deployment);

        int beforeOnset = 0;
        int maxMemory = 0;
        for (int minute = 0; minute < deployment.window(); minute++) {
            long at = deployment.start() + minute * Corpus.MINUTE;
            if (deployment.stable() != null) {
                add(track.stableIntervals, index(at, deployment.start()), deployment.stable()[minute]);
            }
            double value = deployment.canary()[minute];
            if (Double.isNaN(value)) {
                continue;
            }
            Observation sample = new Observation(value, at);
            track.samples++;
            track.stats.add(value);
            track.recent.add(sample);
            if (track.recent.size() > MetricTrack.RECENT) {
                track.recent.remove(0);
            }
            add(track.canaryIntervals, index(at, deployment.start()), value);
            if (minute < deployment.onset()) {
                beforeOnset++;
            }
            Judgement judgement = detector.observe(track, sample);
            record(track, judgement);
            maxMemory = Math.max(maxMemory, track.memory.size());
            if (judgement.outcome() == Outcome.FAILED) {
                return new Run(Outcome.FAILED, (int) track.samples, beforeOnset, "observe", maxMemory, judgement.reason());
            }
        }
        if (track.samples < minSamples) {
            return new Run(Outcome.INCONCLUSIVE, (int) track.samples, beforeOnset, "engine", maxMemory,
                    track.samples + " samples, minSamples is " + minSamples);
        }
        Judgement judgement = detector.conclude(track);
        record(track, judgement);
        maxMemory = Math.max(maxMemory, track.memory.size());
        return new Run(judgement.outcome(), (int) track.samples, beforeOnset, "conclude", maxMemory, judgement.reason());
    }

    private void fillBaseline(MetricTrack track, SyntheticDeployment deployment) {
        double[] values = deployment.baseline();
        int from = Math.max(0, values.length - BASELINE_LIMIT);
        track.baseline.version = "stable";
        for (int i = from; i < values.length; i++) {
            long at = deployment.start() - (values.length - i) * Corpus.MINUTE;
            track.baseline.values.add(new Observation(values[i], at));
            add(track.baseline.intervals, index(at, deployment.start()), values[i]);
        }
    }

    private long index(long at, long start) {
        return Math.floorDiv(at - start, intervalMillis);
    }

    private static void add(List<IntervalStats> intervals, long index, double value) {
        if (intervals.isEmpty() || intervals.get(intervals.size() - 1).index != index) {
            intervals.add(new IntervalStats(index));
        }
        intervals.get(intervals.size() - 1).add(value);
    }

    private static void record(MetricTrack track, Judgement judgement) {
        track.outcome = judgement.outcome();
        track.statistic = judgement.statistic();
        track.reason = judgement.reason();
        track.evidence = new ArrayList<>(judgement.evidence());
    }
}
