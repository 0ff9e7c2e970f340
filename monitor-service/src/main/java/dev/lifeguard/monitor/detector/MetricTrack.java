package dev.lifeguard.monitor.detector;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an analysis keeps about one metric, bounded whatever the number of samples: the engine fills in the
 * statistics, the per-interval aggregates of both versions and the baseline; the detector keeps its own few
 * numbers in {@link #memory}. Public fields: the analysis state is serialised as JSON into a Kafka Streams store.
 */
public final class MetricTrack {

    /** How many of the most recent samples of the analysed version are kept as evidence. */
    public static final int RECENT = 20;

    public String metric;
    public String provider;
    public String detector;
    /** The metric's spec entry with the detector's parameters normalised (defaults filled in). */
    public ObjectNode parameters;

    /** Samples of the analysed version taken into the analysis. */
    public long samples;
    public RunningStats stats = new RunningStats();
    /** The analysed (new) version's samples per analysis interval, oldest first; at most window / interval entries. */
    public List<IntervalStats> canaryIntervals = new ArrayList<>();
    /** The stable version's samples over the same intervals while both ran (canary rollouts); may be empty. */
    public List<IntervalStats> stableIntervals = new ArrayList<>();
    /** The stable version before the analysis started. */
    public Baseline baseline = new Baseline();
    /** The last {@link #RECENT} samples of the analysed version, oldest first. */
    public List<Observation> recent = new ArrayList<>();
    /** The detector's own running numbers (e.g. consecutive failures, the CUSUM sum). */
    public Map<String, Double> memory = new HashMap<>();

    public int providerErrors;
    public String lastQuery;
    public String lastError;

    /** The latest judgement. */
    public Outcome outcome = Outcome.RUNNING;
    public Double statistic;
    public String reason;
    public List<Observation> evidence = new ArrayList<>();

    public double memory(String name, double orElse) {
        Double value = memory.get(name);
        return value == null ? orElse : value;
    }

    /** The parameter as a number, or the default when the spec leaves it out. */
    public double parameter(String name, double orElse) {
        return parameters != null && parameters.hasNonNull(name) ? parameters.get(name).asDouble() : orElse;
    }

    public String parameter(String name, String orElse) {
        return parameters != null && parameters.hasNonNull(name) ? parameters.get(name).asText() : orElse;
    }
}
