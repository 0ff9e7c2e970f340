package dev.lifeguard.monitor.detector.canary;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.IntervalStats;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.ParameterReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.lifeguard.monitor.detector.ParameterReader.format;
import static dev.lifeguard.monitor.detector.ParameterReader.round;

/**
 * Kayenta-style canary judgement: the analysed version's per-interval means against the stable version's over the
 * same intervals (side by side), or against the stable version's intervals before the deploy when it no longer
 * runs (full replacement). Fails when a one-sided Mann–Whitney U test says the new version is worse with
 * {@code p ≤ 1 - confidence} AND the medians differ by more than {@code tolerance} (relative): significance alone
 * would fail harmless differences on busy metrics, effect size alone would fail noise.
 *
 * <p>Judged whenever an interval completes (a sample of a later interval arrives), so a bad canary fails early, and
 * once more when the window closes. Memory: the last interval index seen, the latest p-value and the time of the
 * first sample of each interval (for the evidence; as many entries as the window has intervals).
 */
@ApplicationScoped
public class CanaryDetector implements Detector {

    public static final String NAME = "canary";
    public static final double DEFAULT_CONFIDENCE = 0.98;
    public static final double DEFAULT_TOLERANCE = 0.25;
    public static final String DEFAULT_DIRECTION = "increase";
    public static final int DEFAULT_MIN_INTERVALS = 3;

    static final String LAST_INDEX = "lastIndex";
    static final String P_VALUE = "p";
    static final String INTERVAL_AT = "at.";

    private static final List<String> DIRECTIONS = List.of("increase", "decrease", "either");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public java.util.Set<String> parameterNames() {
        return java.util.Set.of("confidence", "direction", "minIntervals", "tolerance");
    }

    @Override
    public ObjectNode parameters(ObjectNode metric, String path) {
        ParameterReader reader = new ParameterReader(metric, path);
        double confidence = reader.number("confidence", DEFAULT_CONFIDENCE, 0.5, 0.9999);
        double tolerance = reader.number("tolerance", DEFAULT_TOLERANCE, 0, Double.POSITIVE_INFINITY);
        String direction = reader.choice("direction", DEFAULT_DIRECTION, DIRECTIONS);
        int minIntervals = reader.wholeNumber("minIntervals", DEFAULT_MIN_INTERVALS, 1);
        ObjectNode parameters = reader.copy();
        parameters.put("confidence", confidence);
        parameters.put("tolerance", tolerance);
        parameters.put("direction", direction);
        parameters.put("minIntervals", minIntervals);
        return parameters;
    }

    @Override
    public Judgement observe(MetricTrack track, Observation sample) {
        if (track.canaryIntervals.isEmpty()) {
            return Judgement.running(track.statistic);
        }
        long current = track.canaryIntervals.get(track.canaryIntervals.size() - 1).index;
        track.memory.putIfAbsent(INTERVAL_AT + current, (double) sample.at());
        Double last = track.memory.get(LAST_INDEX);
        if (last != null && current <= last) {
            return Judgement.running(track.memory.get(P_VALUE));
        }
        track.memory.put(LAST_INDEX, (double) current);
        if (last == null) {
            return Judgement.running(track.memory.get(P_VALUE));
        }
        // a later interval has begun: every interval before it is complete
        Comparison comparison = compare(track, current - 1);
        if (comparison.enough() && comparison.failed()) {
            return comparison.failure();
        }
        return Judgement.running(track.memory.get(P_VALUE));
    }

    @Override
    public Judgement conclude(MetricTrack track) {
        // the window has closed: its last interval is as complete as it will ever be
        long through = track.canaryIntervals.isEmpty() ? -1 : track.canaryIntervals.get(track.canaryIntervals.size() - 1).index;
        Comparison comparison = compare(track, through);
        if (!comparison.enough()) {
            return Judgement.inconclusive(null, comparison.shortage());
        }
        if (comparison.failed()) {
            return comparison.failure();
        }
        return Judgement.passed(comparison.p, comparison.describe(), List.of());
    }

    private Comparison compare(MetricTrack track, long completedThrough) {
        List<IntervalStats> canary = usable(track.canaryIntervals, completedThrough);
        boolean alongside = !track.stableIntervals.isEmpty();
        List<IntervalStats> stable = alongside
                ? usable(track.stableIntervals, completedThrough)
                : usable(track.baseline.intervals, -1);
        Comparison comparison = new Comparison(track, canary, stable, alongside);
        if (comparison.enough()) {
            comparison.test();
            track.memory.put(P_VALUE, comparison.p);
        }
        return comparison;
    }

    private static List<IntervalStats> usable(List<IntervalStats> intervals, long through) {
        List<IntervalStats> usable = new ArrayList<>();
        for (IntervalStats interval : intervals) {
            if (interval.index <= through && interval.count > 0 && Double.isFinite(interval.mean())) {
                usable.add(interval);
            }
        }
        return usable;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The relative difference of the medians, signed: +0.4 is 40 % higher than the stable version. */
    static double relativeEffect(double canaryMedian, double stableMedian) {
        if (stableMedian == 0) {
            return canaryMedian == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, canaryMedian);
        }
        return (canaryMedian - stableMedian) / Math.abs(stableMedian);
    }

    private static final class Comparison {

        private final MetricTrack track;
        private final List<IntervalStats> canary;
        private final List<IntervalStats> stable;
        private final boolean alongside;
        private final int minIntervals;
        private final String direction;
        double p = Double.NaN;
        double canaryMedian;
        double stableMedian;
        double effect;

        Comparison(MetricTrack track, List<IntervalStats> canary, List<IntervalStats> stable, boolean alongside) {
            this.track = track;
            this.canary = canary;
            this.stable = stable;
            this.alongside = alongside;
            this.minIntervals = (int) track.parameter("minIntervals", DEFAULT_MIN_INTERVALS);
            this.direction = track.parameter("direction", DEFAULT_DIRECTION);
        }

        boolean enough() {
            return canary.size() >= minIntervals && stable.size() >= minIntervals;
        }

        String shortage() {
            if (canary.size() < minIntervals) {
                return canary.size() + (canary.size() == 1 ? " interval" : " intervals")
                        + " so far, the canary detector needs " + minIntervals;
            }
            return "the stable version has " + stable.size() + (stable.size() == 1 ? " interval" : " intervals")
                    + (alongside ? " alongside" : " before the deploy") + " to compare against, the canary detector needs "
                    + minIntervals;
        }

        void test() {
            double[] canaryMeans = canary.stream().mapToDouble(IntervalStats::mean).toArray();
            double[] stableMeans = stable.stream().mapToDouble(IntervalStats::mean).toArray();
            AlternativeHypothesis alternative = switch (direction) {
                case "decrease" -> AlternativeHypothesis.LESS_THAN;
                case "either" -> AlternativeHypothesis.TWO_SIDED;
                default -> AlternativeHypothesis.GREATER_THAN;
            };
            double pValue = MannWhitneyUTest.withDefaults().with(alternative).test(canaryMeans, stableMeans).getPValue();
            // identical values on both sides leave the test without variance: no evidence of a difference
            p = Double.isNaN(pValue) ? 1 : pValue;
            canaryMedian = median(canaryMeans);
            stableMedian = median(stableMeans);
            effect = relativeEffect(canaryMedian, stableMedian);
        }

        boolean failed() {
            double tolerance = track.parameter("tolerance", DEFAULT_TOLERANCE);
            boolean large = switch (direction) {
                case "decrease" -> -effect > tolerance;
                case "either" -> Math.abs(effect) > tolerance;
                default -> effect > tolerance;
            };
            return large && p <= 1 - track.parameter("confidence", DEFAULT_CONFIDENCE);
        }

        Judgement failure() {
            return Judgement.failed(p, describe(), evidence());
        }

        String describe() {
            String change = Double.isInfinite(effect) ? "from 0" : (effect >= 0 ? "+" : "") + Math.round(100 * effect) + "%";
            double alpha = 1 - track.parameter("confidence", DEFAULT_CONFIDENCE);
            return track.metric + " median " + round(canaryMedian) + " vs " + round(stableMedian) + " of the stable version "
                    + (alongside ? "alongside" : "before the deploy") + " (" + change + ", tolerance "
                    + format(100 * track.parameter("tolerance", DEFAULT_TOLERANCE)) + "%) over " + canary.size()
                    + " and " + stable.size() + " intervals: Mann-Whitney p " + (p < 0.0001 ? "< 0.0001" : "= " + round(p))
                    + (p <= alpha ? " ≤ " : " > ") + round(alpha);
        }

        /** The analysed version's interval means, the latest {@link MetricTrack#RECENT}, at the start of each interval. */
        List<Observation> evidence() {
            List<IntervalStats> decided = canary.subList(Math.max(0, canary.size() - MetricTrack.RECENT), canary.size());
            List<Observation> evidence = new ArrayList<>();
            for (IntervalStats interval : decided) {
                evidence.add(new Observation(interval.mean(), intervalStart(interval.index)));
            }
            return evidence;
        }

        private long intervalStart(long index) {
            Double at = track.memory.get(INTERVAL_AT + index);
            if (at != null) {
                return at.longValue();
            }
            // not seen through observe (e.g. a restored track): place it by the nearest interval that was
            Long nearestIndex = null;
            for (String key : track.memory.keySet()) {
                if (key.startsWith(INTERVAL_AT)) {
                    long known = Long.parseLong(key.substring(INTERVAL_AT.length()));
                    if (nearestIndex == null || Math.abs(known - index) < Math.abs(nearestIndex - index)) {
                        nearestIndex = known;
                    }
                }
            }
            return nearestIndex == null ? 0 : track.memory.get(INTERVAL_AT + nearestIndex).longValue();
        }
    }
}
