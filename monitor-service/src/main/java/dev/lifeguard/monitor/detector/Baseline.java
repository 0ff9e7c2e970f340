package dev.lifeguard.monitor.detector;

import java.util.ArrayList;
import java.util.List;

/**
 * What the stable version measured on one metric just before the analysis started: its most recent raw values
 * (bounded, oldest first) and their per-interval means aligned to the analysis interval (index -1 is the interval
 * just before the start). Empty when the stable version sent nothing (e.g. a first deployment).
 */
public final class Baseline {

    public String version;
    public List<Observation> values = new ArrayList<>();
    public List<IntervalStats> intervals = new ArrayList<>();

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public double[] valueArray() {
        return values.stream().mapToDouble(Observation::value).toArray();
    }
}
