package dev.lifeguard.benchmark.footprint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the footprint run measured, filled in as it goes; a phase that did not happen leaves its part empty. */
final class FootprintResults {

    /** Targets of issue 11. MB here and in the output is MiB: 1024 × 1024 bytes. */
    static final double TOGETHER_TARGET_SECONDS = 30;
    static final double ALONE_TARGET_SECONDS = 3;
    static final long SERVICE_RSS_TARGET_BYTES = 200L * 1024 * 1024;
    static final long STACK_TARGET_BYTES = 1536L * 1024 * 1024;

    /**
     * The machine and the run.
     *
     * @param memory total memory, e.g. {@code 7.8 GiB}
     */
    record Machine(int cores, String memory, String jdk, String os, String date, String loadAtStart, int rounds,
                   String javaOptions) {
    }

    /**
     * One start of all five from nothing running.
     *
     * @param fresh    the first start of the run: PostgreSQL's data directory was just wiped, so it includes initdb,
     *                 creating the databases and every migration; not in the medians
     * @param returned when {@code Platform.start} returned (its own poll: every 250 ms)
     */
    record TogetherRound(int number, boolean fresh, Instant call, InfraWatcher.Timing infra, Instant returned,
                         List<StartTiming> services) {

        /** Call → PostgreSQL and Kafka both ready. */
        Optional<Double> infraReady() {
            if (infra.postgresReady() == null || infra.kafkaReady() == null) {
                return Optional.empty();
            }
            Instant last = infra.postgresReady().isAfter(infra.kafkaReady()) ? infra.postgresReady() : infra.kafkaReady();
            return StartTiming.seconds(call, last);
        }

        /** Call → the last of the five answered ready. */
        Optional<Double> allReady() {
            Instant last = null;
            for (StartTiming service : services) {
                if (service.ready() == null) {
                    return Optional.empty();
                }
                last = last == null || service.ready().isAfter(last) ? service.ready() : last;
            }
            return StartTiming.seconds(call, last);
        }

        Optional<Double> launcherReturned() {
            return StartTiming.seconds(call, returned);
        }
    }

    /**
     * Memory of every process of the platform after the demo.
     *
     * @param services           by component name
     * @param postgres           the postmaster and every process below it, summed
     * @param postgresProcesses  how many processes that is
     */
    record MemoryFigures(Map<String, ProcFiles.Memory> services, ProcFiles.Memory infra, ProcFiles.Memory postgres,
                         int postgresProcesses) {

        ProcFiles.Memory stack() {
            ProcFiles.Memory total = infra.plus(postgres);
            for (ProcFiles.Memory service : services.values()) {
                total = total.plus(service);
            }
            return total;
        }

        int processes() {
            return services.size() + 1 + postgresProcesses;
        }
    }

    final Machine machine;
    final List<TogetherRound> together = new ArrayList<>();
    /** Component → its alone starts, in round order. */
    final Map<String, List<StartTiming>> alone = new LinkedHashMap<>();
    /** Component → its process's command line (secret-looking -D values masked). */
    final Map<String, String> commandLines = new LinkedHashMap<>();
    MemoryFigures memory;
    String demoSummary;
    String loadAtEnd;
    final List<String> notes = new ArrayList<>();

    FootprintResults(Machine machine) {
        this.machine = machine;
    }

    /** The rounds that count: every together round but the fresh first one. */
    List<TogetherRound> countedTogether() {
        return together.stream().filter(round -> !round.fresh()).toList();
    }
}
