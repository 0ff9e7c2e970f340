package dev.lifeguard.monitor.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Fills a {@link MetricTrack} the way the streaming engine does, so detector tests exercise the contract rather
 * than a detector's private view of it: samples of the analysed version update the statistics, the recent
 * samples and the current interval before {@code observe}; samples of the stable version go to its intervals.
 */
public final class EngineSimulation {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final long START = 1_795_000_000_000L;
    public static final long MINUTE = 60_000;

    private final Detector detector;
    private final long intervalMillis;
    public final MetricTrack track = new MetricTrack();
    public final List<Judgement> judgements = new ArrayList<>();

    public EngineSimulation(Detector detector, String specJson, long intervalMillis) {
        this.detector = detector;
        this.intervalMillis = intervalMillis;
        ObjectNode spec = spec(specJson);
        track.metric = spec.path("metric").asText("error_rate");
        track.provider = "stream";
        track.detector = detector.name();
        track.parameters = detector.parameters(spec, "metrics[0]");
    }

    public static ObjectNode spec(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** The stable version's values before the start, one a minute, the last one a minute before it. */
    public EngineSimulation baseline(double... values) {
        track.baseline.version = "1.0.0";
        for (int i = 0; i < values.length; i++) {
            long at = START - (values.length - i) * MINUTE;
            track.baseline.values.add(new Observation(values[i], at));
            long index = Math.floorDiv(at - START, intervalMillis);
            List<IntervalStats> intervals = track.baseline.intervals;
            if (intervals.isEmpty() || intervals.get(intervals.size() - 1).index != index) {
                intervals.add(new IntervalStats(index));
            }
            intervals.get(intervals.size() - 1).add(values[i]);
        }
        return this;
    }

    public void stable(double value, long at) {
        long index = Math.floorDiv(at - START, intervalMillis);
        List<IntervalStats> intervals = track.stableIntervals;
        if (intervals.isEmpty() || intervals.get(intervals.size() - 1).index != index) {
            intervals.add(new IntervalStats(index));
        }
        intervals.get(intervals.size() - 1).add(value);
    }

    public Judgement sample(double value, long at) {
        Observation sample = new Observation(value, at);
        track.samples++;
        track.stats.add(value);
        track.recent.add(sample);
        if (track.recent.size() > MetricTrack.RECENT) {
            track.recent.remove(0);
        }
        long index = Math.floorDiv(at - START, intervalMillis);
        List<IntervalStats> intervals = track.canaryIntervals;
        if (intervals.isEmpty() || intervals.get(intervals.size() - 1).index != index) {
            intervals.add(new IntervalStats(index));
        }
        intervals.get(intervals.size() - 1).add(value);
        Judgement judgement = detector.observe(track, sample);
        record(judgement);
        return judgement;
    }

    /** Feeds the values one a minute from the start until one fails; returns the last judgement. */
    public Judgement samples(double... values) {
        Judgement last = Judgement.running(null);
        for (int i = 0; i < values.length; i++) {
            last = sample(values[i], START + i * MINUTE);
            if (last.outcome() == Outcome.FAILED) {
                return last;
            }
        }
        return last;
    }

    /** Feeds both versions side by side, one sample of each a minute (the stable one first). */
    public Judgement sideBySide(double[] canary, double[] stable) {
        Judgement last = Judgement.running(null);
        for (int i = 0; i < canary.length; i++) {
            stable(stable[i], START + i * MINUTE);
            last = sample(canary[i], START + i * MINUTE);
            if (last.outcome() == Outcome.FAILED) {
                return last;
            }
        }
        return last;
    }

    public Judgement conclude() {
        Judgement judgement = detector.conclude(track);
        record(judgement);
        return judgement;
    }

    /** How many samples it took to fail, or -1. */
    public int samplesToFail() {
        for (int i = 0; i < judgements.size(); i++) {
            if (judgements.get(i).outcome() == Outcome.FAILED) {
                return i + 1;
            }
        }
        return -1;
    }

    private void record(Judgement judgement) {
        judgements.add(judgement);
        track.outcome = judgement.outcome();
        track.statistic = judgement.statistic();
        track.reason = judgement.reason();
        track.evidence = new ArrayList<>(judgement.evidence());
    }

    /** Deterministic normal noise (Box-Muller over a seeded SplittableRandom) so the tests need no shared random state. */
    public static double[] normal(long seed, int n, double mean, double sd) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            values[i] = mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
        return values;
    }
}
