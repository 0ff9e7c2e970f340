package dev.lifeguard.monitor.detector.threshold;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.ParameterReader;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.OptionalDouble;

import static dev.lifeguard.monitor.detector.ParameterReader.format;

/**
 * Fails a metric when {@code failureLimit} samples in a row fall outside {@code [min, max]} (either bound may be
 * left out). Memory: the length of the current run outside the bounds and how many of it were above / below.
 */
@ApplicationScoped
public class ThresholdDetector implements Detector {

    public static final String NAME = "threshold";
    public static final int DEFAULT_FAILURE_LIMIT = 3;

    static final String RUN = "run";
    static final String RUN_ABOVE = "runAbove";
    static final String RUN_BELOW = "runBelow";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public java.util.Set<String> parameterNames() {
        return java.util.Set.of("failureLimit", "max", "min");
    }

    @Override
    public ObjectNode parameters(ObjectNode metric, String path) {
        ParameterReader reader = new ParameterReader(metric, path);
        OptionalDouble min = reader.optionalNumber("min");
        OptionalDouble max = reader.optionalNumber("max");
        if (min.isEmpty() && max.isEmpty()) {
            throw new InvalidSpecException(reader.field("max"),
                    "field '" + reader.field("max") + "' is required: the threshold detector needs max, min or both, "
                            + "the bounds the metric must stay within");
        }
        if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
            throw new InvalidSpecException(reader.field("min"), "field '" + reader.field("min") + "' ("
                    + format(min.getAsDouble())
                    + ") must not be greater than max (" + format(max.getAsDouble()) + ")");
        }
        int failureLimit = reader.wholeNumber("failureLimit", DEFAULT_FAILURE_LIMIT, 1);
        ObjectNode parameters = reader.copy();
        min.ifPresent(value -> parameters.put("min", value));
        max.ifPresent(value -> parameters.put("max", value));
        parameters.put("failureLimit", failureLimit);
        return parameters;
    }

    @Override
    public Judgement observe(MetricTrack track, Observation sample) {
        double value = sample.value();
        if (Double.isNaN(value)) {
            // a missing value says nothing about the bounds: the run neither grows nor breaks
            return Judgement.running(track.statistic);
        }
        Bounds bounds = Bounds.of(track);
        double run = track.memory(RUN, 0);
        double above = track.memory(RUN_ABOVE, 0);
        double below = track.memory(RUN_BELOW, 0);
        if (value > bounds.max) {
            run++;
            above++;
        } else if (value < bounds.min) {
            run++;
            below++;
        } else {
            run = 0;
            above = 0;
            below = 0;
        }
        track.memory.put(RUN, run);
        track.memory.put(RUN_ABOVE, above);
        track.memory.put(RUN_BELOW, below);
        if (run >= failureLimit(track)) {
            return failed(track, value);
        }
        return Judgement.running(value);
    }

    @Override
    public Judgement conclude(MetricTrack track) {
        Double last = track.recent.isEmpty() ? null : track.recent.get(track.recent.size() - 1).value();
        if (track.memory(RUN, 0) >= failureLimit(track)) {
            return failed(track, last == null ? Double.NaN : last);
        }
        Bounds bounds = Bounds.of(track);
        return Judgement.passed(last, track.metric + " stayed " + bounds.describeWithin() + " in " + track.samples
                + (track.samples == 1 ? " sample" : " samples"), List.of());
    }

    private Judgement failed(MetricTrack track, double value) {
        int limit = failureLimit(track);
        Bounds bounds = Bounds.of(track);
        double above = track.memory(RUN_ABOVE, 0);
        double below = track.memory(RUN_BELOW, 0);
        String where;
        if (below == 0) {
            where = "above " + format(bounds.max);
        } else if (above == 0) {
            where = "below " + format(bounds.min);
        } else {
            where = "outside " + bounds.describeInterval();
        }
        String streak = limit == 1 ? "1 sample" : limit + " consecutive samples";
        int evidence = Math.min(limit, track.recent.size());
        List<Observation> run = track.recent.subList(track.recent.size() - evidence, track.recent.size());
        return Judgement.failed(value, track.metric + " " + where + " for " + streak, run);
    }

    private static int failureLimit(MetricTrack track) {
        return (int) track.parameter("failureLimit", DEFAULT_FAILURE_LIMIT);
    }

    private record Bounds(double min, double max) {

        static Bounds of(MetricTrack track) {
            return new Bounds(track.parameter("min", Double.NEGATIVE_INFINITY),
                    track.parameter("max", Double.POSITIVE_INFINITY));
        }

        String describeWithin() {
            if (min == Double.NEGATIVE_INFINITY) {
                return "at or below " + format(max);
            }
            if (max == Double.POSITIVE_INFINITY) {
                return "at or above " + format(min);
            }
            return "within " + describeInterval();
        }

        String describeInterval() {
            return "[" + format(min) + ", " + format(max) + "]";
        }
    }
}
