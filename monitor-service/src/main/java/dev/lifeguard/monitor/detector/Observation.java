package dev.lifeguard.monitor.detector;

import java.time.Instant;

/** One sample value and when it was measured (epoch milliseconds: compact in the analysis state). */
public record Observation(double value, long at) {

    public Instant instant() {
        return Instant.ofEpochMilli(at);
    }
}
