package dev.lifeguard.reliability;

import java.time.Duration;

/**
 * How hard and how long a chaos run pushes.
 *
 * @param faultWindow      how long faults are injected; the workload is spread over its first {@link #WORKLOAD_SHARE}
 * @param targets          how many services get v1 then v2 (even: every second one's v2 goes bad)
 * @param killEvery        one instance is killed with SIGKILL this often, each service in turn (until
 *                         {@link #KILLS_UNTIL} of the window)
 * @param maxDown          at most this many instances are down at once: a kill waits while more are still restarting
 * @param freezeFor        how long PostgreSQL stays frozen (once, at {@link #FREEZE_AT} of the window)
 * @param malformedRounds  how many times malformed records are sent to every consumed topic
 * @param drainBound       after the window, how long inputs still in flight may take to be acknowledged
 * @param convergenceBound after the window, how long the platform may take to process everything
 */
public record ChaosOptions(Duration faultWindow, int targets, Duration killEvery, int maxDown, Duration freezeFor,
                           int malformedRounds, Duration drainBound, Duration convergenceBound) {

    public static final int MIN_TARGETS = 100;
    /**
     * As many instances down at once as there are services: the first five kills reach every service even when
     * restarts are slow (a loaded machine), and three of the eight instances always run.
     */
    public static final int MAX_DOWN = 5;
    public static final double WORKLOAD_SHARE = 0.8;
    public static final double FREEZE_AT = 0.3;
    public static final double KAFKA_RESTART_AT = 0.6;
    /** No kill in the window's last fifth: the last instances killed are back soon after it closes. */
    public static final double KILLS_UNTIL = 0.8;

    public ChaosOptions {
        if (targets < 2 || targets % 2 != 0) {
            throw new IllegalArgumentException("targets must be even and at least 2: " + targets);
        }
        if (faultWindow.compareTo(Duration.ofSeconds(20)) < 0) {
            throw new IllegalArgumentException("the fault window must be at least 20 s: " + faultWindow);
        }
        if (maxDown < 1 || malformedRounds < 1) {
            throw new IllegalArgumentException("maxDown and malformedRounds must be positive");
        }
    }

    /**
     * A run of {@code minutes} of faults: one new target per second of the window's workload share (at least
     * {@link #MIN_TARGETS}), a kill every 5 s, a 10 s freeze, malformed records once a minute (at least 3 rounds).
     */
    public static ChaosOptions forMinutes(int minutes) {
        Duration window = Duration.ofMinutes(minutes);
        int targets = Math.max(MIN_TARGETS, (int) (window.toSeconds() * WORKLOAD_SHARE));
        return new ChaosOptions(window, targets + targets % 2, Duration.ofSeconds(5), MAX_DOWN, Duration.ofSeconds(10),
                Math.max(3, minutes), Duration.ofMinutes(2), Duration.ofMinutes(4));
    }

    public ChaosOptions withFaultWindow(Duration window) {
        return new ChaosOptions(window, targets, killEvery, maxDown, freezeFor, malformedRounds, drainBound,
                convergenceBound);
    }

    public ChaosOptions withConvergenceBound(Duration bound) {
        return new ChaosOptions(faultWindow, targets, killEvery, maxDown, freezeFor, malformedRounds, drainBound, bound);
    }
}
