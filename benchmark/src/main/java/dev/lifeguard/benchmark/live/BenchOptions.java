package dev.lifeguard.benchmark.live;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code [--quick] [--only P1,P2,P3,P6]}: which figures to measure, and how much work each is (full: the counts
 * the targets are stated for; quick: a smoke run of a couple of minutes whose figures are not comparable).
 * {@code --footprint [--quick]} selects the footprint run instead (start-up times and memory; quick: one round).
 *
 * @param reactionFailures    P1: failures timed, one per target
 * @param loadTargets         P3: targets the load is spread over (each with a running analysis)
 * @param samplesPerRecord    P3: samples per record (one target's)
 * @param saturation          P3: how long the engine is kept saturated (after the warm-up) to measure throughput
 * @param warmUp              P3: saturation before the measurement starts
 * @param steadyLoad          P3: how long the load runs at 80 % of the measured throughput while probes are timed
 * @param probes              P3: bad-sample triplets timed under that load
 * @param scaleDeployments    P6: deployments under analysis at once
 * @param scaleFailures       P6: failures timed among them
 * @param footprint           the footprint run instead of P1..P6
 */
record BenchOptions(boolean quick, Set<String> only, int reactionFailures, int loadTargets, int samplesPerRecord,
                    Duration saturation, Duration warmUp, Duration steadyLoad, int probes, int scaleDeployments,
                    int scaleFailures, boolean footprint) {

    static final List<String> FIGURES = List.of("P1", "P2", "P3", "P6");

    /** Rounds of each footprint measurement: 3 (the median of three starts), 1 with {@code --quick}. */
    static final int FOOTPRINT_ROUNDS = 3;

    static BenchOptions parse(String[] args) {
        boolean quick = false;
        boolean footprint = false;
        boolean onlyGiven = false;
        Set<String> only = new LinkedHashSet<>(FIGURES);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("bench") && i == 0) {
                continue;
            }
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.equals("--footprint")) {
                footprint = true;
            } else if (arg.equals("--only") || arg.startsWith("--only=")) {
                String value;
                if (arg.equals("--only")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--only needs a value, e.g. --only P1,P3");
                    }
                    value = args[++i];
                } else {
                    value = arg.substring("--only=".length());
                }
                onlyGiven = true;
                only = new LinkedHashSet<>();
                for (String part : value.split("[,\\s]+")) {
                    String figure = part.trim().toUpperCase(Locale.ROOT);
                    if (figure.isEmpty()) {
                        continue;
                    }
                    if (!FIGURES.contains(figure)) {
                        throw new IllegalArgumentException("--only: unknown figure '" + part + "' (known: "
                                + String.join(", ", FIGURES) + ")");
                    }
                    only.add(figure);
                }
                if (only.isEmpty()) {
                    throw new IllegalArgumentException("--only names no figure");
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (footprint && onlyGiven) {
            throw new IllegalArgumentException("--footprint measures start-up times and memory, not P1..P6: it cannot"
                    + " be combined with --only");
        }
        return quick
                ? new BenchOptions(true, only, 40, 100, 100, Duration.ofSeconds(10), Duration.ofSeconds(3),
                Duration.ofSeconds(8), 15, 1_000, 20, footprint)
                : new BenchOptions(false, only, 250, 1_000, 100, Duration.ofSeconds(45), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 100, 10_000, 200, footprint);
    }

    /** How often the footprint run repeats each start: {@value #FOOTPRINT_ROUNDS}, once with {@code --quick}. */
    int footprintRounds() {
        return quick ? 1 : FOOTPRINT_ROUNDS;
    }

    boolean runs(String figure) {
        return only.contains(figure);
    }

    /** Whether any figure needs the live platform. */
    boolean needsPlatform() {
        return runs("P1") || runs("P3") || runs("P6");
    }
}
