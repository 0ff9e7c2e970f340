package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.detector.Observation;

import java.util.ArrayList;
import java.util.List;

/** The most recent values of one metric of a target's stable version (store {@code baselines}, key target + metric). */
public final class BaselineValues {

    public String version;
    public List<Observation> values = new ArrayList<>();

    public void add(Observation observation, int capacity) {
        values.add(observation);
        if (values.size() > capacity) {
            values.subList(0, values.size() - capacity).clear();
        }
    }
}
