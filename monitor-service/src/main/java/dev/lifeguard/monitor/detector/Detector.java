package dev.lifeguard.monitor.detector;

import java.util.Set;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Judges one metric of one analysis, incrementally and in bounded space. Implementations live in a package of
 * their own, are {@code @ApplicationScoped} beans discovered through CDI and named by {@link #name()}, which is
 * what a spec's {@code "detector"} says. They are pure: the same track and sample always give the same judgement,
 * so a replayed or restored analysis judges exactly as the first time.
 */
public interface Detector {

    /** The name specs use, e.g. {@code threshold}, {@code canary}, {@code cusum}. */
    String name();

    /**
     * Checks this detector's parameters in one spec metric and returns them with defaults filled in.
     *
     * @param metric the metric's spec object (also holds {@code metric}, {@code provider}, {@code query}, ...)
     * @param path   where the object sits in the spec, e.g. {@code metrics[1]}; errors name {@code metrics[1].max}
     * @throws dev.lifeguard.monitor.spec.InvalidSpecException naming the field
     */
    ObjectNode parameters(ObjectNode metric, String path);

    /**
     * The names of this detector's parameters in a spec metric: with {@code metric}, {@code provider}, {@code query}
     * and {@code detector}, every field a REST client may set (others are refused, naming them).
     */
    Set<String> parameterNames();

    /**
     * A sample of the analysed version has just been added to the track ({@code samples}, {@code stats},
     * {@code recent} and the current interval of {@code canaryIntervals} include it). FAILED ends the analysis at
     * once; RUNNING goes on. Never PASSED: only the end of the window can pass.
     */
    Judgement observe(MetricTrack track, Observation sample);

    /**
     * The window closed with at least the spec's {@code minSamples} samples: PASSED, FAILED or INCONCLUSIVE (e.g. the
     * canary detector without enough intervals of the stable version to compare against).
     */
    Judgement conclude(MetricTrack track);
}
