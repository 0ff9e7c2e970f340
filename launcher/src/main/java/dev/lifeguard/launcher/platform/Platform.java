package dev.lifeguard.launcher.platform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The local platform as {@code ./lifeguard up} runs it: one background "infra" JVM (the launcher in
 * {@code infra} mode: Kafka broker + PostgreSQL) and the five packaged services, each a separate process with its
 * log in {@code <home>/logs/} and its pid in {@code <home>/run/}. Processes are recognised by a
 * {@code -Dlifeguard.launcher.home=<home>} marker on their command line, so two platforms with different homes
 * (a developer's and an end-to-end test's) never touch each other.
 *
 * <pre>{@code
 * try (Platform platform = Platform.start(PlatformSettings.defaults(root).withHome(tmp).withEphemeralPorts())) {
 *     platform.serviceUrl(LifeguardService.DEPLOY);  // http://localhost:<port>
 * }                                                  // close() = stop(): no process left
 * }</pre>
 */
public final class Platform implements AutoCloseable {

    public static final String INFRA = "infra";
    public static final String KAFKA = "kafka";
    public static final String POSTGRES = "postgres";

    static final String MAIN_CLASS = "dev.lifeguard.launcher.Main";
    private static final String HOME_PROPERTY = "lifeguard.launcher.home";
    private static final Duration INFRA_STOP_BOUND = Duration.ofSeconds(30);
    private static final Duration POSTGRES_STOP_BOUND = Duration.ofSeconds(15);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    private static final int LOG_TAIL_LINES = 15;

    private final PlatformSettings settings;
    private final List<LifeguardService> skippedServices;
    private final Consumer<String> progress;

    private Platform(PlatformSettings settings, List<LifeguardService> skippedServices, Consumer<String> progress) {
        this.settings = settings;
        this.skippedServices = List.copyOf(skippedServices);
        this.progress = progress;
    }

    /** Starts whatever of the platform is not running yet and waits until all of it is healthy. */
    public static Platform start(PlatformSettings settings) {
        return start(settings, line -> { });
    }

    /**
     * Starts whatever of the platform is not running yet (infra, then the services) and waits until all of it is
     * healthy, reporting each step to {@code progress}. On failure, stops what this call started.
     *
     * @throws PlatformException naming the component that failed and its log file
     */
    public static Platform start(PlatformSettings settings, Consumer<String> progress) {
        return new Startup(settings, progress).run();
    }

    /**
     * Stops everything started with these settings' home: services (SIGTERM, then SIGKILL after
     * {@link PlatformSettings#stopTimeout()}), then the infra JVM, then any PostgreSQL server still holding the
     * data directory; finally checks that no process of this home is left.
     *
     * @throws PlatformException when a process survived
     */
    public static void stop(PlatformSettings settings, Consumer<String> progress) {
        new Shutdown(settings, progress).run();
    }

    /** One row per component: kafka, postgres and the five services. */
    public static List<ComponentStatus> status(PlatformSettings settings) {
        List<ComponentStatus> rows = new ArrayList<>();
        Optional<ProcessHandle> infra = liveInfra(settings);
        boolean infraReady = infra.isPresent() && Files.exists(readyFile(settings));
        rows.add(new ComponentStatus(KAFKA, pidOf(infra), settings.kafkaPort(),
                state(infra.isPresent(), infraReady && Probes.accepts(settings.kafkaPort()))));
        Optional<ProcessHandle> postgres = livePostgres(settings);
        rows.add(new ComponentStatus(POSTGRES, pidOf(postgres), settings.postgresPort(),
                state(postgres.isPresent(), postgres.isPresent() && Probes.accepts(settings.postgresPort()))));
        for (LifeguardService service : LifeguardService.values()) {
            Optional<ProcessHandle> process = liveService(settings, service);
            rows.add(new ComponentStatus(service.moduleName(), pidOf(process), settings.servicePort(service),
                    state(process.isPresent(), process.isPresent() && Probes.ready(settings.serviceUrl(service)))));
        }
        return rows;
    }

    /** True when Kafka, PostgreSQL and every service of {@link PlatformSettings#services()} are healthy. */
    public static boolean isRunning(PlatformSettings settings) {
        List<String> wanted = new ArrayList<>(List.of(KAFKA, POSTGRES));
        settings.services().forEach(service -> wanted.add(service.moduleName()));
        return status(settings).stream().filter(row -> wanted.contains(row.component())).allMatch(ComponentStatus::healthy);
    }

    public PlatformSettings settings() {
        return settings;
    }

    /** Services that were not started because their packaged app is missing (only with allowMissingServices). */
    public List<LifeguardService> skippedServices() {
        return skippedServices;
    }

    public String kafkaBootstrapServers() {
        return settings.kafkaBootstrapServers();
    }

    public String serviceUrl(LifeguardService service) {
        return settings.serviceUrl(service);
    }

    public String jdbcUrl(LifeguardService service) {
        return settings.jdbcUrl(service);
    }

    /**
     * Also stop the platform when this JVM exits (normally, on SIGTERM or Ctrl-C), e.g. a test run that dies
     * before its own clean-up. {@code ./lifeguard up} does not do this: its platform outlives the command.
     */
    public Platform stopOnJvmExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (liveInfra(settings).isPresent() || Arrays.stream(LifeguardService.values())
                    .anyMatch(service -> liveService(settings, service).isPresent())) {
                stop(settings, progress);
            }
        }, "lifeguard-stop-on-exit"));
        return this;
    }

    /** Same as {@link #stop(PlatformSettings, Consumer)}. */
    public void stop() {
        stop(settings, progress);
    }

    @Override
    public void close() {
        stop();
    }

    // --- recognising our processes ---------------------------------------------------------------------------

    static String homeMarker(PlatformSettings settings) {
        return "-D" + HOME_PROPERTY + "=" + settings.home();
    }

    static Predicate<List<String>> launchedFrom(PlatformSettings settings) {
        String marker = homeMarker(settings);
        return commandLine -> commandLine.contains(marker);
    }

    static Predicate<List<String>> postgresOf(PlatformSettings settings) {
        String dataDirectory = settings.postgresDataDirectory().toString();
        return commandLine -> !commandLine.isEmpty() && commandLine.get(0).endsWith("/postgres")
                && commandLine.contains(dataDirectory);
    }

    static Optional<ProcessHandle> liveInfra(PlatformSettings settings) {
        return Processes.live(settings.pidFile(INFRA), launchedFrom(settings));
    }

    static Optional<ProcessHandle> liveService(PlatformSettings settings, LifeguardService service) {
        return Processes.live(settings.pidFile(service.moduleName()), launchedFrom(settings));
    }

    /** The postmaster named in the data directory's {@code postmaster.pid}, if it still runs. */
    static Optional<ProcessHandle> livePostgres(PlatformSettings settings) {
        return Processes.live(settings.postgresDataDirectory().resolve("postmaster.pid"), postgresOf(settings));
    }

    static Path readyFile(PlatformSettings settings) {
        return settings.runDirectory().resolve(INFRA + ".ready");
    }

    private static OptionalLong pidOf(Optional<ProcessHandle> process) {
        return process.map(handle -> OptionalLong.of(handle.pid())).orElse(OptionalLong.empty());
    }

    private static ComponentStatus.State state(boolean alive, boolean answering) {
        if (!alive) {
            return ComponentStatus.State.STOPPED;
        }
        return answering ? ComponentStatus.State.HEALTHY : ComponentStatus.State.RUNNING;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The packaged launcher ({@code launcher/target/launcher.jar}, whose manifest names its {@code lib/}), as
     * {@code ./lifeguard} runs it; without it, this JVM's own class path (e.g. a test run from the IDE).
     */
    static String launcherClasspath(PlatformSettings settings) {
        Path jar = settings.repositoryRoot().resolve("launcher/target/launcher.jar");
        if (Files.isRegularFile(jar) && Files.isDirectory(jar.resolveSibling("lib"))) {
            return jar.toString();
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    static String logTail(Path logFile) {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.stream().map(line -> "    | " + line).collect(Collectors.joining("\n", "\n", ""));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    // --- start -------------------------------------------------------------------------------------------------

    /** One start attempt; remembers what it started so that a failure or Ctrl-C stops exactly that. */
    private static final class Startup {

        private final PlatformSettings settings;
        private final Consumer<String> progress;
        private final long startNanos = System.nanoTime();
        private final Map<String, Process> started = Collections.synchronizedMap(new LinkedHashMap<>());
        private volatile boolean finished;

        Startup(PlatformSettings settings, Consumer<String> progress) {
            this.settings = settings;
            this.progress = progress;
        }

        Platform run() {
            createDirectories();
            Optional<ProcessHandle> infra = liveInfra(settings);
            Map<LifeguardService, ProcessHandle> running = new EnumMap<>(LifeguardService.class);
            List<LifeguardService> toStart = new ArrayList<>();
            List<LifeguardService> skipped = new ArrayList<>();
            for (LifeguardService service : settings.services()) {
                Optional<ProcessHandle> process = liveService(settings, service);
                if (process.isPresent()) {
                    running.put(service, process.get());
                } else if (Files.isRegularFile(settings.serviceApp(service))) {
                    toStart.add(service);
                } else if (settings.allowMissingServices()) {
                    skipped.add(service);
                } else {
                    throw new PlatformException(service.moduleName() + " is not built: "
                            + settings.serviceApp(service) + " does not exist (run ./mvnw -B install -DskipTests)");
                }
            }
            checkPortsFree(infra.isEmpty(), toStart);
            Thread abortOnInterrupt = new Thread(this::abort, "lifeguard-start-abort");
            Runtime.getRuntime().addShutdownHook(abortOnInterrupt);
            try {
                if (infra.isPresent()) {
                    progress.accept("  = kafka + postgres already running (infra pid " + infra.get().pid() + ")");
                    awaitInfra(infra.get());
                } else {
                    startInfra();
                }
                running.forEach((service, process) -> progress.accept("  = " + service.moduleName()
                        + " already running (pid " + process.pid() + ")"));
                for (LifeguardService service : skipped) {
                    progress.accept("  ✗ " + service.moduleName() + " skipped: not built ("
                            + settings.repositoryRoot().relativize(settings.serviceApp(service)) + " is missing)");
                }
                List<Awaited> services = new ArrayList<>();
                for (LifeguardService service : toStart) {
                    services.add(startService(service));
                }
                await(services);
                finished = true;
                return new Platform(settings, skipped, progress);
            } catch (RuntimeException e) {
                finished = true;
                stopStarted();
                throw e instanceof PlatformException ? e : new PlatformException(e.getMessage(), e);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(abortOnInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it finds nothing left to do
                }
            }
        }

        private void createDirectories() {
            try {
                Files.createDirectories(settings.logsDirectory());
                Files.createDirectories(settings.runDirectory());
            } catch (IOException e) {
                throw new PlatformException("Cannot create " + settings.home() + ": " + e.getMessage(), e);
            }
        }

        private void checkPortsFree(boolean infraNeeded, List<LifeguardService> toStart) {
            List<String> busy = new ArrayList<>();
            if (infraNeeded) {
                if (!Probes.free(settings.kafkaPort())) {
                    busy.add(settings.kafkaPort() + " (kafka; set " + PlatformSettings.KAFKA_PORT_VARIABLE + ")");
                }
                if (!Probes.free(settings.postgresPort()) && livePostgres(settings).isEmpty()) {
                    busy.add(settings.postgresPort() + " (postgres; set " + PlatformSettings.POSTGRES_PORT_VARIABLE + ")");
                }
            }
            for (LifeguardService service : toStart) {
                if (!Probes.free(settings.servicePort(service))) {
                    busy.add(settings.servicePort(service) + " (" + service.moduleName() + "; set "
                            + service.portVariable() + ")");
                }
            }
            if (!busy.isEmpty()) {
                throw new PlatformException("Port(s) already in use by another program: " + String.join(", ", busy));
            }
        }

        private void startInfra() {
            Optional<ProcessHandle> leftover = livePostgres(settings);
            if (leftover.isPresent()) {
                progress.accept("  ! a PostgreSQL server of an earlier run still holds " + settings.postgresDataDirectory()
                        + " (pid " + leftover.get().pid() + "): stopping it");
                Processes.terminate(Map.of(POSTGRES, leftover.get()), POSTGRES_STOP_BOUND);
            }
            Processes.deleteQuietly(readyFile(settings));
            List<String> command = List.of(javaExecutable(), homeMarker(settings), "-cp", launcherClasspath(settings),
                    MAIN_CLASS, INFRA,
                    "--kafka-dir", settings.kafkaDataDirectory().toString(),
                    "--kafka-port", Integer.toString(settings.kafkaPort()),
                    "--postgres-dir", settings.postgresDataDirectory().toString(),
                    "--postgres-port", Integer.toString(settings.postgresPort()),
                    "--ready-file", readyFile(settings).toString());
            Process process = Processes.spawn(command, Map.of(), settings.home(), settings.logFile(INFRA));
            started.put(INFRA, process);
            Processes.writePid(settings.pidFile(INFRA), process.pid());
            progress.accept("  → starting kafka + postgres (infra pid " + process.pid() + "); Kafka's data is wiped at"
                    + " each start, PostgreSQL's is kept in " + settings.postgresDataDirectory());
            awaitInfra(process.toHandle());
        }

        /** PostgreSQL accepts connections, then the ready file says the databases and topics exist too. */
        private void awaitInfra(ProcessHandle infra) {
            Path log = settings.logFile(INFRA);
            await(List.of(
                    new Awaited(POSTGRES, "localhost:" + settings.postgresPort(), log, infra,
                            () -> Probes.accepts(settings.postgresPort())),
                    new Awaited(KAFKA, settings.kafkaBootstrapServers(), log, infra,
                            () -> Files.exists(readyFile(settings)) && Probes.accepts(settings.kafkaPort()))));
        }

        private Awaited startService(LifeguardService service) {
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.add(homeMarker(settings));
            command.addAll(settings.javaOptions());
            command.add("-jar");
            command.add(settings.serviceApp(service).toString());
            Process process = Processes.spawn(command, settings.serviceEnvironment(service), settings.home(),
                    settings.logFile(service.moduleName()));
            started.put(service.moduleName(), process);
            Processes.writePid(settings.pidFile(service.moduleName()), process.pid());
            progress.accept("  → starting " + service.moduleName() + " (pid " + process.pid() + ", port "
                    + settings.servicePort(service) + ")");
            String url = settings.serviceUrl(service);
            return new Awaited(service.moduleName(), url, settings.logFile(service.moduleName()), process.toHandle(),
                    () -> Probes.ready(url));
        }

        private void await(List<Awaited> components) {
            List<Awaited> pending = new ArrayList<>(components);
            long deadline = startNanos + settings.startTimeout().toNanos();
            long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            while (!pending.isEmpty()) {
                for (Awaited component : List.copyOf(pending)) {
                    if (component.ready().getAsBoolean()) {
                        progress.accept(String.format("  ✓ %-18s up   %-24s (%s)", component.name(), component.address(),
                                elapsed()));
                        pending.remove(component);
                    } else if (!component.process().isAlive()) {
                        throw new PlatformException(component.name() + " exited" + exitCode(component.process())
                                + " before it was ready; see " + component.log() + logTail(component.log()));
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                long now = System.nanoTime();
                if (now > deadline) {
                    Awaited first = pending.get(0);
                    throw new PlatformException(names(pending) + " not ready within "
                            + settings.startTimeout().toSeconds() + " s (set " + PlatformSettings.START_TIMEOUT_VARIABLE
                            + " to wait longer); see " + first.log() + logTail(first.log()));
                }
                if (now >= nextReport) {
                    progress.accept("  … waiting for " + names(pending) + " (" + elapsed() + ")");
                    nextReport = now + REPORT_EVERY.toNanos();
                }
                pause();
            }
        }

        /** The exit code, known only for processes this start spawned. */
        private String exitCode(ProcessHandle process) {
            synchronized (started) {
                return started.values().stream().filter(child -> child.pid() == process.pid()).findFirst()
                        .map(child -> " with code " + child.exitValue()).orElse("");
            }
        }

        private String elapsed() {
            return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
        }

        private void abort() {
            if (!finished) {
                progress.accept("  interrupted: stopping what was started");
                stopStarted();
            }
        }

        /** Synchronized: the Ctrl-C hook and the failing main thread may both get here. */
        private synchronized void stopStarted() {
            if (started.isEmpty()) {
                return;
            }
            Map<String, Process> toStop;
            synchronized (started) {
                toStop = new LinkedHashMap<>(started);
                started.clear();
            }
            Map<String, ProcessHandle> services = new LinkedHashMap<>();
            toStop.forEach((name, process) -> {
                if (!INFRA.equals(name)) {
                    services.put(name, process.toHandle());
                }
            });
            Processes.terminate(services, settings.stopTimeout());
            services.keySet().forEach(name -> Processes.deleteQuietly(settings.pidFile(name)));
            Process infra = toStop.get(INFRA);
            if (infra != null) {
                Processes.terminate(Map.of(INFRA, infra.toHandle()), INFRA_STOP_BOUND);
                livePostgres(settings).ifPresent(postgres ->
                        Processes.terminate(Map.of(POSTGRES, postgres), POSTGRES_STOP_BOUND));
                Processes.deleteQuietly(settings.pidFile(INFRA));
                Processes.deleteQuietly(readyFile(settings));
            }
            progress.accept("  stopped what this start had started: " + String.join(", ", toStop.keySet()));
        }

        private static String names(List<Awaited> components) {
            return components.stream().map(Awaited::name).collect(Collectors.joining(", "));
        }

        private static void pause() {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlatformException("Interrupted while waiting for the platform to start");
            }
        }
    }

    private record Awaited(String name, String address, Path log, ProcessHandle process, BooleanSupplier ready) {
    }

    // --- stop --------------------------------------------------------------------------------------------------

    private static final class Shutdown {

        private final PlatformSettings settings;
        private final Consumer<String> progress;

        Shutdown(PlatformSettings settings, Consumer<String> progress) {
            this.settings = settings;
            this.progress = progress;
        }

        void run() {
            long startNanos = System.nanoTime();
            Map<String, ProcessHandle> services = new LinkedHashMap<>();
            for (LifeguardService service : LifeguardService.values()) {
                liveService(settings, service).ifPresent(process -> services.put(service.moduleName(), process));
            }
            Optional<ProcessHandle> infra = liveInfra(settings);
            Predicate<List<String>> ours = launchedFrom(settings).or(postgresOf(settings));
            if (services.isEmpty() && infra.isEmpty() && livePostgres(settings).isEmpty()
                    && Processes.matching(ours).isEmpty()) {
                progress.accept("Lifeguard is not running (home " + settings.home() + ")");
                cleanRunFiles();
                return;
            }
            if (!services.isEmpty()) {
                progress.accept("  → stopping " + describe(services));
                report(services, Processes.terminate(services, settings.stopTimeout()), settings.stopTimeout());
            }
            if (infra.isPresent()) {
                Map<String, ProcessHandle> infraOnly = Map.of("kafka + postgres (infra)", infra.get());
                progress.accept("  → stopping kafka + postgres (infra pid " + infra.get().pid() + ")");
                report(infraOnly, Processes.terminate(infraOnly, INFRA_STOP_BOUND), INFRA_STOP_BOUND);
            }
            livePostgres(settings).ifPresent(postgres -> {
                Map<String, ProcessHandle> postmaster = Map.of(POSTGRES + " (postmaster)", postgres);
                progress.accept("  → stopping the PostgreSQL server still running (pid " + postgres.pid() + ")");
                report(postmaster, Processes.terminate(postmaster, POSTGRES_STOP_BOUND), POSTGRES_STOP_BOUND);
            });
            for (ProcessHandle straggler : Processes.matching(ours)) {
                progress.accept("  ! killing leftover process " + straggler.pid() + ": "
                        + String.join(" ", Processes.commandLine(straggler)));
                Processes.kill(straggler);
            }
            cleanRunFiles();
            List<ProcessHandle> left = Processes.matching(ours);
            if (!left.isEmpty()) {
                throw new PlatformException("Still running after stop: " + left.stream()
                        .map(process -> process.pid() + " " + String.join(" ", Processes.commandLine(process)))
                        .collect(Collectors.joining("; ")));
            }
            progress.accept(String.format("  ✓ no Lifeguard process left (%.1f s)", (System.nanoTime() - startNanos) / 1e9));
        }

        private void report(Map<String, ProcessHandle> processes, List<String> killed, Duration bound) {
            processes.keySet().forEach(name -> progress.accept(killed.contains(name)
                    ? "  ✗ " + name + " did not stop within " + bound.toSeconds() + " s: killed (SIGKILL)"
                    : "  ✓ " + name + " stopped"));
        }

        private static String describe(Map<String, ProcessHandle> processes) {
            return processes.entrySet().stream().map(entry -> entry.getKey() + " (pid " + entry.getValue().pid() + ")")
                    .collect(Collectors.joining(", "));
        }

        private void cleanRunFiles() {
            Processes.deleteQuietly(settings.pidFile(INFRA));
            Processes.deleteQuietly(readyFile(settings));
            for (LifeguardService service : LifeguardService.values()) {
                Processes.deleteQuietly(settings.pidFile(service.moduleName()));
            }
        }
    }
}
