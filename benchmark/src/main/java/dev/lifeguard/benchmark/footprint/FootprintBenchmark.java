package dev.lifeguard.benchmark.footprint;

import dev.lifeguard.benchmark.live.Main;
import dev.lifeguard.launcher.demo.Demo;
import dev.lifeguard.launcher.platform.ComponentStatus;
import dev.lifeguard.launcher.platform.Env;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.ServiceInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * {@code ./lifeguard bench --footprint [--quick]}: how fast the five services start and how much memory the
 * platform takes, measured on a platform of its own (home {@code .lifeguard/footprint} or
 * {@code $LIFEGUARD_FOOTPRINT_HOME}, free ports; its logs and PostgreSQL data wiped at the start of a run), started
 * through the launcher's {@link Platform} API exactly as {@code ./lifeguard up} starts it, with the JVM options
 * ({@code LIFEGUARD_JAVA_OPTS}) and timeouts of {@code up}.
 * <ol>
 * <li>together: all five from nothing running; a first start on the fresh data directory, then the rounds;</li>
 * <li>after the demo: on the last of those starts, {@code ./lifeguard demo}'s scenario, then RSS and PSS of every
 * process of the platform;</li>
 * <li>alone: with the infra running, each service started by itself and stopped gracefully, round after round.</li>
 * </ol>
 */
public final class FootprintBenchmark {

    public static final String HOME_VARIABLE = "LIFEGUARD_FOOTPRINT_HOME";
    /** The launcher's {@code LIFEGUARD_DEMO_TIMEOUT}: how long the demo waits for each step. */
    static final String DEMO_TIMEOUT_VARIABLE = dev.lifeguard.launcher.Main.DEMO_TIMEOUT_VARIABLE;
    static final Duration DEFAULT_DEMO_TIMEOUT = Duration.ofSeconds(60);
    /** After the demo, before memory is read: the services finish what the demo set off (outbox, consumers). */
    static final Duration SETTLE_AFTER_DEMO = Duration.ofSeconds(5);
    /** After the start returned: the watchers poll more often, but the "started in" line may come a moment later. */
    static final Duration AFTER_START_BOUND = Duration.ofSeconds(15);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private final PlatformSettings settings;
    private final int rounds;
    private final Duration demoTimeout;
    private final PrintStream out;
    private final Path output;
    private final FootprintResults results;

    FootprintBenchmark(PlatformSettings settings, int rounds, Duration demoTimeout, PrintStream out, Path output,
                       FootprintResults.Machine machine) {
        this.settings = settings;
        this.rounds = rounds;
        this.demoTimeout = demoTimeout;
        this.out = out;
        this.output = output;
        this.results = new FootprintResults(machine);
    }

    /**
     * Runs the footprint benchmark and prints its table; exit code 0 when everything was measured (a missed target
     * is a result), 1 when the run could not be completed.
     */
    public static int run(Path root, Map<String, String> environment, int rounds, PrintStream out) {
        PlatformSettings settings = settings(root, Main.home(root, environment, HOME_VARIABLE, "footprint"), environment);
        Duration demoTimeout = Env.seconds(environment, DEMO_TIMEOUT_VARIABLE, DEFAULT_DEMO_TIMEOUT);
        String javaOptions = environment.getOrDefault(PlatformSettings.JAVA_OPTS_VARIABLE, "").trim();
        FootprintResults.Machine machine = machine(rounds, javaOptions.isEmpty() ? ""
                : ProcFiles.printable(List.of(javaOptions.split("\\s+"))));
        return new FootprintBenchmark(settings, rounds, demoTimeout, out, root.resolve("benchmark").resolve("target"),
                machine).run();
    }

    /**
     * As {@code ./lifeguard up} reads its settings from the environment (JVM options, timeouts and whatever else it
     * takes from there), but always all five services, one instance each, this home and free ports: never the
     * platform {@code up} started.
     */
    static PlatformSettings settings(Path root, Path home, Map<String, String> environment) {
        PlatformSettings settings = PlatformSettings.fromEnvironment(environment, root).withHome(home)
                .withServices(EnumSet.allOf(LifeguardService.class)).withAllowMissingServices(false);
        for (LifeguardService service : LifeguardService.values()) {
            settings = settings.withInstances(service, 1);
        }
        return settings.withEphemeralPorts();
    }

    int run() {
        FootprintResults.Machine machine = results.machine;
        out.printf(Locale.ROOT, "Lifeguard footprint: %d round(s) per start figure; %d cores, %s memory, %s; load"
                        + " average %s%n  state in %s (its logs and PostgreSQL data wiped now), free ports%n"
                        + "  LIFEGUARD_JAVA_OPTS: %s%n", rounds, machine.cores(), machine.memory(), machine.jdk(),
                machine.loadAtStart(), settings.home(), machine.javaOptions().isEmpty() ? "(not set)" : machine.javaOptions());
        Thread stopOnExit = new Thread(this::stopQuietly, "footprint-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        int code = 0;
        try {
            // a failed phase is reported and the next one still runs: start-up times do not need the demo; the demo
            // needs the platform of the last together round
            boolean started = phase("together", () -> {
                prepare();
                together();
            });
            boolean measured = started && phase("after the demo", this::afterTheDemo);
            measured &= phase("alone", this::alone);
            code = measured ? 0 : 1;
        } finally {
            stopQuietly();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing left to stop
            }
        }
        results.loadAtEnd = Main.loadAverage();
        List<FootprintReport.Row> rows = FootprintReport.rows(results);
        out.println("\nFootprint" + (code == 0 ? "" : " (incomplete)"));
        out.print(FootprintReport.table(rows));
        FootprintReport.notes(results).forEach(note -> out.println("  " + note));
        write(rows);
        return code;
    }

    /** Runs one phase; false (and the reason printed and noted) when it could not be completed. */
    private boolean phase(String name, Runnable phase) {
        try {
            phase.run();
            return true;
        } catch (RuntimeException e) {
            String reason = "the " + name + " phase could not be completed: " + e.getMessage();
            out.println("\n✗ " + reason);
            results.notes.add(reason);
            stopQuietly();
            return false;
        }
    }

    void prepare() {
        if (Platform.status(settings).stream().anyMatch(row -> row.state() != ComponentStatus.State.STOPPED)) {
            out.println("A footprint platform of an earlier run still runs in " + settings.home() + ": stopping it");
            Platform.stop(settings, indented());
        }
        // a fresh start: an earlier run's logs would hold other starts' lines, its databases other data
        Main.deleteRecursively(settings.postgresDataDirectory());
        Main.deleteRecursively(settings.logsDirectory());
    }

    // --- together ------------------------------------------------------------------------------------------------

    /** A first start on the fresh data directory, then the rounds; the platform of the last round stays up. */
    void together() {
        out.printf(Locale.ROOT, "%n1/3 together: all five and the infra from nothing running (%d round(s) after a"
                + " first start on a fresh data directory)%n", rounds);
        for (int round = 0; round <= rounds; round++) {
            if (round > 0) {
                stopAll();
            }
            FootprintResults.TogetherRound measured = startTogether(round, round == 0);
            results.together.add(measured);
            printRound(measured);
        }
    }

    private FootprintResults.TogetherRound startTogether(int round, boolean fresh) {
        out.println(fresh ? "  first start (fresh PostgreSQL data directory: initdb, databases, migrations; not in the"
                + " medians)" : "  round " + round + "/" + rounds);
        Instant call = Instant.now();
        Duration bound = settings.startTimeout().plus(AFTER_START_BOUND);
        InfraWatcher infra = InfraWatcher.watch(settings, call, bound);
        List<StartWatcher> watchers = settings.instances().stream()
                .map(instance -> StartWatcher.watch(instance, settings, call, bound)).toList();
        try {
            Platform.start(settings, indented());
        } catch (RuntimeException e) {
            watchers.forEach(StartWatcher::stop);
            infra.await(Duration.ZERO);
            throw e;
        }
        Instant returned = Instant.now();
        List<StartTiming> services = new ArrayList<>();
        for (StartWatcher watcher : watchers) {
            services.add(watcher.await(AFTER_START_BOUND));
        }
        checkPidIsTheJvm(services);
        return new FootprintResults.TogetherRound(round, fresh, call, infra.await(AFTER_START_BOUND), returned, services);
    }

    private void printRound(FootprintResults.TogetherRound round) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  = %s: infra ready %s, all five healthy %s"
                        + " (start returned %s) after the call; from process start to ready:",
                round.fresh() ? "first start" : "round " + round.number(), seconds(round.infraReady()),
                seconds(round.allReady()), seconds(round.launcherReturned())));
        round.services().forEach(service -> line.append(' ').append(shortName(service.component())).append(' ')
                .append(seconds(service.toReady())));
        line.append("; to \"started in\":");
        round.services().forEach(service -> line.append(' ').append(shortName(service.component())).append(' ')
                .append(seconds(service.toStarted())));
        out.println(line);
    }

    // --- after the demo ------------------------------------------------------------------------------------------

    private void afterTheDemo() {
        Path demoLog = settings.logFile("demo");
        out.println("\n2/3 after the demo: the demo's scenario on the platform of the last round (its steps in " + demoLog
                + ")");
        Demo.Result demo = runDemo(demoLog);
        results.demoSummary = String.format(Locale.ROOT, "finished in %.1f s (service %s; bad metric → rollback %d ms;"
                + " incident %s)", demo.totalMillis() / 1000.0, demo.service(), demo.badMetricToRollbackMillis(),
                demo.incidentId());
        out.println("  ✓ demo " + results.demoSummary);
        out.println("  waiting " + SETTLE_AFTER_DEMO.toSeconds() + " s for the services to settle, then reading /proc");
        LockSupport.parkNanos(SETTLE_AFTER_DEMO.toNanos());
        measureMemory();
        stopAll();
    }

    /** RSS and PSS of every process of the running platform: the services, the infra JVM, PostgreSQL's processes. */
    void measureMemory() {
        Platform platform = Platform.attach(settings, indented());
        Map<String, ProcFiles.Memory> services = new LinkedHashMap<>();
        for (ServiceInstance instance : settings.instances()) {
            long pid = platform.pid(instance).orElseThrow(() -> new IllegalStateException(instance.componentName()
                    + " is not running after the demo; see " + settings.logFile(instance.componentName())));
            services.put(instance.componentName(), memoryOf(instance.componentName(), pid));
            ProcFiles.commandLineOf(pid).ifPresent(line -> results.commandLines.put(instance.componentName(),
                    ProcFiles.printable(line)));
        }
        long infraPid = platform.infraPid().orElseThrow(() -> new IllegalStateException("the infra process is not"
                + " running after the demo; see " + settings.logFile(Platform.INFRA)));
        ProcFiles.Memory infra = memoryOf("infra", infraPid);
        long postmasterPid = platform.postgresPid().orElseThrow(() -> new IllegalStateException("PostgreSQL is not"
                + " running after the demo; see " + settings.logFile(Platform.INFRA)));
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElseThrow(() -> new IllegalStateException(
                "PostgreSQL (pid " + postmasterPid + ") exited while it was measured"));
        List<ProcessHandle> postgresTree = new ArrayList<>();
        postgresTree.add(postmaster);
        postgresTree.addAll(postmaster.descendants().toList());
        ProcFiles.Memory postgres = new ProcFiles.Memory(0, 0);
        int postgresProcesses = 0;
        for (ProcessHandle process : postgresTree) {
            // a backend may end between the listing and the reading: it no longer takes memory
            Optional<ProcFiles.Memory> usage = ProcFiles.memoryOf(process.pid());
            if (usage.isPresent()) {
                postgres = postgres.plus(usage.get());
                postgresProcesses++;
            }
        }
        results.memory = new FootprintResults.MemoryFigures(services, infra, postgres, postgresProcesses);
        services.forEach((component, usage) -> out.printf(Locale.ROOT, "  %-20s RSS %s, PSS %s%n", component,
                FootprintReport.mb(usage.rssBytes()), FootprintReport.mb(usage.pssBytes())));
        out.printf(Locale.ROOT, "  %-20s RSS %s, PSS %s%n", "infra JVM", FootprintReport.mb(infra.rssBytes()),
                FootprintReport.mb(infra.pssBytes()));
        out.printf(Locale.ROOT, "  %-20s PSS %s over %d processes (summed RSS %s: shared buffers counted per"
                        + " process)%n", "PostgreSQL", FootprintReport.mb(postgres.pssBytes()), postgresProcesses,
                FootprintReport.mb(postgres.rssBytes()));
        ProcFiles.Memory stack = results.memory.stack();
        out.printf(Locale.ROOT, "  %-20s PSS %s over %d processes (summed RSS %s)%n", "whole stack",
                FootprintReport.mb(stack.pssBytes()), results.memory.processes(), FootprintReport.mb(stack.rssBytes()));
    }

    private Demo.Result runDemo(Path demoLog) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "footprint-demo-progress");
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        try (OutputStream file = Files.newOutputStream(demoLog, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             PrintStream demoOut = new PrintStream(file, true, StandardCharsets.UTF_8)) {
            ticker.scheduleAtFixedRate(() -> out.printf(Locale.ROOT, "  … demo running (%.0f s)%n",
                    (System.nanoTime() - started) / 1e9), PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            return new Demo(settings, demoOut, demoTimeout).run();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + demoLog, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the demo failed: " + e.getMessage() + " (its steps: " + demoLog + ")", e);
        } finally {
            ticker.shutdownNow();
        }
    }

    private ProcFiles.Memory memoryOf(String component, long pid) {
        return ProcFiles.memoryOf(pid).orElseThrow(() -> new IllegalStateException("cannot read the memory of "
                + component + " (pid " + pid + ") from /proc"));
    }

    // --- alone ---------------------------------------------------------------------------------------------------

    /** The infra started by itself first, so that no service start overlaps it; then round after round of each. */
    void alone() {
        out.printf(Locale.ROOT, "%n3/3 alone: each service started by itself with the infra running, stopped with"
                + " SIGTERM after each start (%d round(s))%n", rounds);
        // nothing of an earlier phase may run: a running instance would be taken as started, and share the CPU
        stopAll();
        Platform.start(settings.withServices(EnumSet.noneOf(LifeguardService.class)), indented());
        Platform platform = Platform.attach(settings, indented());
        for (ServiceInstance instance : settings.instances()) {
            results.alone.put(instance.componentName(), new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (ServiceInstance instance : settings.instances()) {
                StartTiming start = startAlone(instance);
                results.alone.get(instance.componentName()).add(start);
                out.printf(Locale.ROOT, "  = %s round %d/%d: process start → \"started in\" %s, → ready %s (Quarkus"
                                + " says %s)%n", instance.componentName(), round, rounds, seconds(start.toStarted()),
                        seconds(start.toReady()), start.quarkusSeconds() == null ? "n/a"
                                : String.format(Locale.ROOT, "%.3f s", start.quarkusSeconds()));
                if (!platform.stopInstance(instance)) {
                    results.notes.add(instance.componentName() + " did not stop on SIGTERM within "
                            + settings.stopTimeout().toSeconds() + " s in round " + round + " and was killed; the"
                            + " next start may have waited for its consumer group.");
                }
            }
        }
        stopAll();
    }

    private StartTiming startAlone(ServiceInstance instance) {
        if (Platform.attach(settings, line -> { }).pid(instance).isPresent()) {
            throw new IllegalStateException(instance.componentName() + " still runs from an earlier start: its start"
                    + " cannot be measured");
        }
        Instant call = Instant.now();
        StartWatcher watcher = StartWatcher.watch(instance, settings, call, settings.startTimeout().plus(AFTER_START_BOUND));
        try {
            Platform.start(settings.withServices(EnumSet.of(instance.service())), line -> { });
        } catch (RuntimeException e) {
            watcher.stop();
            throw e;
        }
        StartTiming start = watcher.await(AFTER_START_BOUND);
        checkPidIsTheJvm(List.of(start));
        return start;
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /**
     * The pid in the pid file must be the JVM's: the launcher spawns through {@code setsid}, which execs in place
     * (it forks only when the caller leads a process group, which a spawned child does not).
     */
    private void checkPidIsTheJvm(List<StartTiming> starts) {
        for (StartTiming start : starts) {
            if (start.pid() == 0) {
                continue;
            }
            Optional<List<String>> line = ProcFiles.commandLineOf(start.pid());
            if (line.isPresent() && !line.get().isEmpty() && !line.get().get(0).endsWith("java")) {
                String note = start.component() + ": the pid file names " + line.get().get(0) + ", not the JVM: its"
                        + " process start is that program's";
                if (!results.notes.contains(note)) {
                    results.notes.add(note);
                    out.println("  ! " + note);
                }
            }
        }
    }

    private void stopAll() {
        Platform.stop(settings, line -> { });
    }

    private void stopQuietly() {
        try {
            if (Platform.status(settings).stream().anyMatch(row -> row.state() != ComponentStatus.State.STOPPED)) {
                out.println("Stopping the footprint platform");
                Platform.stop(settings, indented());
            }
        } catch (RuntimeException e) {
            out.println("  ✗ could not stop the footprint platform: " + e.getMessage() + " (./lifeguard down with"
                    + " LIFEGUARD_HOME=" + settings.home() + " stops it)");
        }
    }

    private Consumer<String> indented() {
        return line -> out.println("  " + line);
    }

    private void write(List<FootprintReport.Row> rows) {
        try {
            Files.createDirectories(output);
            Files.writeString(output.resolve("footprint.json"), FootprintReport.json(results, rows), StandardCharsets.UTF_8);
            Files.writeString(output.resolve("footprint.md"), FootprintReport.markdown(results, rows),
                    StandardCharsets.UTF_8);
            out.println("\nWritten to " + output.resolve("footprint.json") + " and " + output.resolve("footprint.md"));
        } catch (IOException e) {
            out.println("✗ could not write the results to " + output + ": " + e.getMessage());
        }
    }

    static FootprintResults.Machine machine(int rounds, String javaOptions) {
        return new FootprintResults.Machine(Runtime.getRuntime().availableProcessors(), Main.memoryTotal(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), Main.loadAverage(), rounds,
                javaOptions);
    }

    /** {@code deploy} for {@code deploy-service}. */
    private static String shortName(String component) {
        return component.replace("-service", "");
    }

    private static String seconds(Optional<Double> seconds) {
        return seconds.map(value -> String.format(Locale.ROOT, "%.2f s", value)).orElse("n/a");
    }
}
