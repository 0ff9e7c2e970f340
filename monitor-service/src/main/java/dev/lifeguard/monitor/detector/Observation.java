package dev.lifeguard.monitor.detector;

import java.time.OffsetDateTime;

/** One sample value and when it was measured. */
public record Observation(double value, OffsetDateTime at) {
}
