package dev.lifeguard.benchmark.footprint;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One start of one service instance, on the wall clock. A field is null when it was not seen (the instance did not
 * start, or its log has no "started in" line).
 *
 * @param component            e.g. {@code deploy-service}
 * @param pid                  its process, 0 when no pid file appeared
 * @param call                 when {@code Platform.start} was called
 * @param processStart         when its process started ({@code /proc/<pid>/stat}, 10 ms resolution)
 * @param started              Quarkus' "started in" line: its own timestamp, or when first seen when it has none
 * @param startedFromTimestamp whether {@code started} is the line's timestamp (else the time the log was read)
 * @param quarkusSeconds       the start-up time Quarkus reports in that line (from its own start, not the process's)
 * @param ready                the first {@code GET /q/health/ready} answered 200 with {@code "status":"UP"}
 */
record StartTiming(String component, long pid, Instant call, Instant processStart, Instant started,
                   boolean startedFromTimestamp, Double quarkusSeconds, Instant ready) {

    /** Process start → "started in" line, in seconds. */
    Optional<Double> toStarted() {
        return seconds(processStart, started);
    }

    /** Process start → first ready answer, in seconds. */
    Optional<Double> toReady() {
        return seconds(processStart, ready);
    }

    /** {@code Platform.start} called → first ready answer, in seconds. */
    Optional<Double> callToReady() {
        return seconds(call, ready);
    }

    static Optional<Double> seconds(Instant from, Instant to) {
        return from == null || to == null ? Optional.empty() : Optional.of(Duration.between(from, to).toNanos() / 1e9);
    }
}
