package dev.lifeguard.benchmark.live;

import dev.lifeguard.benchmark.footprint.FootprintBenchmark;
import dev.lifeguard.benchmark.quality.DetectionQualityBenchmark;
import dev.lifeguard.benchmark.quality.QualityReport;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformException;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.benchmark.live.Results.Figure;
import org.apache.kafka.common.KafkaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./lifeguard bench [--quick] [--only P1,P2,P3,P6]} ({@code --footprint [--quick]}: {@link FootprintBenchmark}
 * instead): P2 (detection quality, no platform needed), then
 * P1, P3 and P6 against the packaged services started as {@code ./lifeguard up} starts them, on a platform of the
 * benchmark's own (free ports, home {@code .lifeguard/bench} or {@code LIFEGUARD_BENCH_HOME}), so a developer's
 * running platform is never touched. Prints each figure as it is measured, writes {@code benchmark/target/results.json}
 * and {@code results.md}. Exit code 0 when the run completed (missed targets are results, not errors), 1 when it
 * could not be done, 2 on a usage error.
 */
public final class Main {

    static final String HOME_VARIABLE = "LIFEGUARD_BENCH_HOME";
    /** Six, so that two engine instances get three partitions each (with three they would split 2:1). */
    static final int TOPIC_PARTITIONS = 6;
    static final double REACTION_TARGET_MILLIS = 250;
    static final double INGEST_TARGET_PER_INSTANCE = 100_000;
    static final double SPEED_UP_TARGET = 1.8;
    static final int WARM_UP_FAILURES = 20;
    static final String USAGE_TEXT = """
            usage: ./lifeguard bench [--quick] [--only P1,P2,P3,P6]
                   ./lifeguard bench --footprint [--quick]

              P1 reaction (conclusive bad sample -> rollback.requested), P2 detection quality, P3 ingest throughput
              of one and of two monitor-service instances and detection lag under load, P6 10,000 deployments under
              analysis in one instance. Runs the packaged services on a platform of its own (free ports, state in
              .lifeguard/bench or $LIFEGUARD_BENCH_HOME; Kafka topics with 6 partitions), never the one `up` started.
              --quick      small counts and short phases: a smoke run of a few minutes, figures not comparable
              --only       just these figures
              Writes benchmark/target/results.json and results.md.
              --footprint  start-up times and memory instead: all five started together from nothing (time to all
                           healthy, target 30 s), each started alone with the infra up (process start to "started in"
                           and to ready, target 3 s each), RSS and PSS of every process after the demo (target 200 MB
                           per service, 1.5 GB the stack; MB = MiB); 3 rounds per start figure, 1 with --quick. State
                           in .lifeguard/footprint or $LIFEGUARD_FOOTPRINT_HOME, free ports; JVM options from
                           LIFEGUARD_JAVA_OPTS as for up. Writes benchmark/target/footprint.json and footprint.md.""";

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int code;
        try {
            code = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("✗ " + e.getMessage());
            System.err.println(USAGE_TEXT);
            code = 2;
        } catch (PlatformException | IllegalStateException | UncheckedIOException | KafkaException e) {
            System.err.println("\n✗ the benchmark could not be completed: " + e.getMessage());
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE_TEXT);
            return 0;
        }
        BenchOptions options = BenchOptions.parse(args);
        Path root = Path.of(System.getProperty("lifeguard.root", "")).toAbsolutePath().normalize();
        Map<String, String> environment = System.getenv();
        if (options.footprint()) {
            return FootprintBenchmark.run(root, environment, options.footprintRounds(), System.out);
        }
        Path home = home(root, environment, HOME_VARIABLE, "bench");
        Results.Machine machine = machine(options);
        Results results = new Results(System.out, machine);
        System.out.printf(Locale.ROOT, "Lifeguard benchmark (%s): %s on %d cores, %s memory, %s; load average %s%n",
                machine.mode(), String.join(",", options.only()), machine.cores(), machine.memory(), machine.jdk(),
                machine.loadAtStart());
        results.settings().put("mode", machine.mode()).put("topicPartitions", TOPIC_PARTITIONS)
                .put("reactionFailures", options.reactionFailures()).put("loadTargets", options.loadTargets())
                .put("samplesPerRecord", options.samplesPerRecord()).put("saturationSeconds", options.saturation().toSeconds())
                .put("warmUpSeconds", options.warmUp().toSeconds()).put("steadyLoadSeconds", options.steadyLoad().toSeconds())
                .put("probes", options.probes()).put("scaleDeployments", options.scaleDeployments())
                .put("scaleFailures", options.scaleFailures())
                .put("spec", "default: error_rate threshold max 0.05, failureLimit 3, window 30m, minSamples 3");

        if (options.runs("P2")) {
            p2(results);
        }
        if (options.needsPlatform()) {
            results.note("P1, P3 and P6 ran against the packaged monitor-service and rollback-service (started as"
                    + " ./lifeguard up starts them) with one Kafka broker and PostgreSQL on the same machine; every"
                    + " topic had " + TOPIC_PARTITIONS + " partitions (LIFEGUARD_KAFKA_TOPIC_PARTITIONS), so two"
                    + " engine instances got three each.");
            results.note("Latencies are differences of Kafka CreateTimes (producer clocks, one machine).");
            String run = "b" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
            PlatformSettings base = settings(root, home, environment);
            IngestBenchmark.Ingest one = null;
            IngestBenchmark.Ingest two = null;
            {
                // one instance: P1, P3 through one, P6 (fresh per run: Kafka's data is wiped at each start)
                PlatformSettings single = base.withInstances(LifeguardService.MONITOR, 1).withEphemeralPorts();
                try (BenchContext context = start(single, options, results, run, "one monitor-service instance")) {
                    if (options.runs("P1")) {
                        System.out.println("\nP1 reaction: " + options.reactionFailures() + " failures");
                        ReactionBenchmark.Reaction reaction = new ReactionBenchmark(context).run("p1", options.reactionFailures());
                        reactionFigures(results, "P1", "", reaction);
                    }
                    if (options.runs("P3")) {
                        System.out.println("\nP3 ingest through one instance");
                        one = new IngestBenchmark(context).run("p3-one");
                        ingestFigures(results, one);
                    }
                    if (options.runs("P6")) {
                        System.out.printf(Locale.ROOT, "%nP6 scale: %,d deployments under analysis in one instance%n",
                                options.scaleDeployments());
                        ScaleBenchmark.Scale scale = new ScaleBenchmark(context).run("p6");
                        scaleFigures(results, scale);
                    }
                } finally {
                    stop(single);
                }
            }
            if (options.runs("P3")) {
                PlatformSettings pair = base.withInstances(LifeguardService.MONITOR, 2).withEphemeralPorts();
                try (BenchContext context = start(pair, options, results, run, "two monitor-service instances")) {
                    System.out.println("\nP3 ingest through two instances");
                    two = new IngestBenchmark(context).run("p3-two");
                    ingestFigures(results, two);
                } finally {
                    stop(pair);
                }
            }
            if (one != null && two != null) {
                double speedUp = two.samplesPerSecond() / one.samplesPerSecond();
                results.add(new Figure("P6", "speed-up of two instances over one (P3 two / one)",
                        String.format(Locale.ROOT, "≥ %.1f×", SPEED_UP_TARGET), String.format(Locale.ROOT, "%.2f×", speedUp),
                        speedUp, "×", speedUp >= SPEED_UP_TARGET));
            }
        }
        results.note("Load average (1, 5, 15 min) at the start: " + machine.loadAtStart() + "; at the end: " + loadAverage()
                + " (" + machine.cores() + " cores).");
        Path output = root.resolve("benchmark").resolve("target");
        results.write(output);
        System.out.println("\nResults");
        System.out.print(results.table());
        System.out.println("\nWritten to " + output.resolve("results.json") + " and " + output.resolve("results.md"));
        return 0;
    }

    private static void p2(Results results) {
        System.out.println("\nP2 detection quality (seed " + DetectionQualityBenchmark.DEFAULT_SEED + ", "
                + DetectionQualityBenchmark.DEFAULT_DEPLOYMENTS + " synthetic deployments)");
        QualityReport report = DetectionQualityBenchmark.run(DetectionQualityBenchmark.DEFAULT_SEED,
                DetectionQualityBenchmark.DEFAULT_DEPLOYMENTS);
        for (QualityReport.TargetCheck check : report.targets()) {
            results.add(new Figure("P2", check.detector() + ": " + check.target().replace("1σ shift found in ≤ 10 samples (median)",
                    "1σ shift: samples to detect (median)").replace("≤ 1 false alarm per metric-day", "false alarms"),
                    check.target().contains("false") ? "≤ 1 per metric-day" : "median ≤ 10 samples",
                    check.measured(), null, "", check.met()));
        }
        results.p2Markdown(report.markdown());
    }

    private static void reactionFigures(Results results, String id, String suffix, ReactionBenchmark.Reaction reaction) {
        results.latency(id, "reaction: conclusive sample → rollback.requested" + suffix, reaction.total(),
                REACTION_TARGET_MILLIS);
        results.latency(id, "  engine part: sample → incident.detected" + suffix, reaction.engine(), null);
        results.latency(id, "  … committed: sample → anomaly read (read_committed)" + suffix, reaction.visible(), null);
        results.latency(id, "  rollback-service part: → rollback.requested" + suffix, reaction.rollback(), null);
        if (reaction.missing() > 0) {
            results.note(id + suffix + ": " + reaction.missing() + " failure(s) got no rollback.requested in time;"
                    + " they count as missed, not in the percentiles.");
        }
    }

    private static void ingestFigures(Results results, IngestBenchmark.Ingest ingest) {
        double target = INGEST_TARGET_PER_INSTANCE * ingest.instances();
        String instances = ingest.instances() == 1 ? "one instance" : ingest.instances() + " instances";
        results.add(new Figure("P3", "ingest, " + instances + " (samples analysed per second)",
                String.format(Locale.ROOT, "≥ %,.0f/s", target), String.format(Locale.ROOT, "%,.0f/s", ingest.samplesPerSecond()),
                ingest.samplesPerSecond(), "samples/s", ingest.samplesPerSecond() >= target));
        results.latency("P3", "  detection lag at " + Math.round(IngestBenchmark.STEADY_SHARE * 100) + "% load ("
                + String.format(Locale.ROOT, "%,.0f/s", ingest.steadySamplesPerSecond()) + "), " + instances,
                ingest.detection(), null);
        if (ingest.missing() > 0) {
            results.note("P3 " + instances + ": " + ingest.missing() + " probe(s) not detected in time.");
        }
    }

    private static void scaleFigures(Results results, ScaleBenchmark.Scale scale) {
        results.add(new Figure("P6", "deployments under analysis at once, one instance",
                String.format(Locale.ROOT, "%,d", scale.deployments()), String.format(Locale.ROOT, "%,d started", scale.started()),
                (double) scale.started(), "analyses", scale.started() >= scale.deployments()));
        results.add(new Figure("P6", "  monitor RSS (VmRSS)", "-", mib(scale.residentBytes()), (double) scale.residentBytes(),
                "bytes", null));
        results.add(new Figure("P6", "  JVM heap used (as scraped / after full GC)", "-",
                mib(scale.heapUsedBytes()) + " / " + (scale.gcForced() ? mib(scale.heapAfterGcBytes()) : "n/a"),
                scale.gcForced() ? scale.heapAfterGcBytes() : scale.heapUsedBytes(), "bytes", null));
        if (scale.gcForced() && scale.started() > 0) {
            results.note(String.format(Locale.ROOT, "P6: live heap after a full GC (jcmd GC.run) with %,d analyses: %s,"
                    + " the whole service included; the analyses' state lives in RocksDB (off the heap, in the RSS).",
                    scale.started(), mib(scale.heapAfterGcBytes())));
        }
        reactionFigures(results, "P6", String.format(Locale.ROOT, " (%,d analyses)", scale.deployments()), scale.reaction());
    }

    private static String mib(double bytes) {
        return bytes < 0 || Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB", bytes / (1024 * 1024));
    }

    /**
     * Throughput figures are taken with the JVM a production deployment would give the engine: G1 and tiered
     * compilation (the optimising compiler), not the footprint options {@code ./lifeguard up} starts a laptop's
     * services with (README "Footprint"); {@code LIFEGUARD_JAVA_OPTS} still comes last.
     */
    static final List<String> THROUGHPUT_JVM_OPTIONS = List.of("-XX:-UseSerialGC", "-XX:+UseG1GC", "-Xmx2g",
            "-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2", "-XX:ReservedCodeCacheSize=240m");

    /**
     * As {@code ./lifeguard up} starts the platform, with only the services the figures go through (monitor and
     * rollback: fewer processes on a small machine), topics of {@value #TOPIC_PARTITIONS} partitions; the
     * {@link #THROUGHPUT_JVM_OPTIONS}, then JVM options and timeouts from the environment as for {@code up}, never
     * its home, ports, services or instance counts.
     */
    static PlatformSettings settings(Path root, Path home, Map<String, String> environment) {
        PlatformSettings fromEnvironment = PlatformSettings.fromEnvironment(environment, root);
        List<String> javaOptions = new ArrayList<>(THROUGHPUT_JVM_OPTIONS);
        javaOptions.addAll(fromEnvironment.javaOptions());
        return PlatformSettings.defaults(root).withHome(home)
                .withServices(EnumSet.of(LifeguardService.MONITOR, LifeguardService.ROLLBACK))
                .withServiceEnvironment(Map.of("LIFEGUARD_KAFKA_TOPIC_PARTITIONS", Integer.toString(TOPIC_PARTITIONS)))
                .withJavaOptions(javaOptions)
                .withStartTimeout(fromEnvironment.startTimeout())
                .withStopTimeout(fromEnvironment.stopTimeout());
    }

    private static BenchContext start(PlatformSettings settings, BenchOptions options, Results results, String run,
                                      String what) {
        System.out.println("\nStarting the bench platform: " + what + " (state in " + settings.home() + ")");
        if (Platform.status(settings).stream().anyMatch(row -> row.state() != ComponentStatus.State.STOPPED)) {
            System.out.println("A bench platform of an earlier run still runs in " + settings.home() + ": stopping it first");
            Platform.stop(settings, System.out::println);
        }
        // a fresh start: an earlier run's databases and logs would mix with this one's
        deleteRecursively(settings.postgresDataDirectory());
        deleteRecursively(settings.logsDirectory());
        Platform platform = Platform.start(settings, System.out::println).stopOnJvmExit();
        BenchContext context = new BenchContext(platform, options, results, System.out, run);
        int partitions = context.kafka.partitions(BenchContext.METRICS);
        System.out.println("  lifeguard.metrics has " + partitions + " partitions");
        if (partitions != TOPIC_PARTITIONS) {
            results.note("lifeguard.metrics had " + partitions + " partitions, not " + TOPIC_PARTITIONS
                    + " (LIFEGUARD_KAFKA_TOPIC_PARTITIONS not honoured?)");
        }
        // freshly started JVMs (JIT, connection pools, first transactions) answer the first failures seconds late
        System.out.println("  warm-up: " + WARM_UP_FAILURES + " failures end to end, not timed");
        new ReactionBenchmark(context).run("warm-up", WARM_UP_FAILURES);
        return context;
    }

    private static void stop(PlatformSettings settings) {
        System.out.println("Stopping the bench platform");
        Platform.stop(settings, line -> { });
    }

    static Results.Machine machine(BenchOptions options) {
        return new Results.Machine(Runtime.getRuntime().availableProcessors(), memoryTotal(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                options.quick() ? "quick" : "full", loadAverage());
    }

    /** The machine's memory ({@code MemTotal} of {@code /proc/meminfo}), e.g. {@code 23.5 GiB}. */
    public static String memoryTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return "unknown";
    }

    /** A run's state directory: {@code variable} (relative to the checkout) when set, else {@code .lifeguard/<name>}. */
    public static Path home(Path root, Map<String, String> environment, String variable, String name) {
        String setting = environment.get(variable);
        return setting != null && !setting.isBlank() ? root.resolve(setting.trim())
                : root.resolve(".lifeguard").resolve(name);
    }

    /** The 1, 5 and 15 minute load averages: figures measured on a busy machine are not comparable. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }
}
