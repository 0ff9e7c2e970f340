package dev.lifeguard.launcher.platform;

import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.infra.Infrastructure;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local platform as {@code ./lifeguard up} runs it: one background "infra" JVM (the launcher in
 * {@code infra} mode: Kafka broker + PostgreSQL) and one or more instances of each packaged service, each a
 * separate process with its log in {@code <home>/logs/} and its pid in {@code <home>/run/}. Processes are
 * recognised by a {@code -Dlifeguard.launcher.home=<home>} marker on their command line, so two platforms with
 * different homes (a developer's and an end-to-end test's) never touch each other.
 *
 * <pre>{@code
 * try (Platform platform = Platform.start(PlatformSettings.defaults(root).withHome(tmp).withEphemeralPorts())) {
 *     platform.serviceUrl(LifeguardService.DEPLOY);  // http://localhost:<port>
 * }                                                  // close() = stop(): no process left
 * }</pre>
 *
 * <p>For fault-injection tests, a running platform also offers crashes and their recovery, each returning once
 * done: {@link #kill(ServiceInstance)} and {@link #startMissing()}, {@link #restartKafka()}, and
 * {@link #freezePostgres()} / {@link #thawPostgres()}.
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
    private static final Duration POLL_EVERY = Duration.ofMillis(250);
    private static final int LOG_TAIL_LINES = 15;
    /** {@code <module>.pid} or {@code <module>-<n>.pid}: the pid file of a service instance. */
    private static final Pattern SERVICE_PID_FILE = Pattern.compile("([a-z]+-service)(?:-([2-9]))?\\.pid");

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
     * The platform of these settings as it is, running or not, without starting anything: to inject faults into a
     * platform started elsewhere, e.g. by {@code ./lifeguard up}.
     */
    public static Platform attach(PlatformSettings settings, Consumer<String> progress) {
        return new Platform(settings, List.of(), progress);
    }

    /**
     * Tokens this platform's services accept: signed with its local key ({@code <home>/keys/}, created when
     * missing), one per role and subject asked for.
     */
    public Credentials credentials() {
        return Credentials.signedWith(LocalKeys.ensure(settings.keysDirectory()));
    }

    /**
     * Stops everything started with these settings' home: every service instance, configured or left from other
     * settings (SIGTERM, then SIGKILL after {@link PlatformSettings#stopTimeout()}), then the infra JVM (a frozen
     * PostgreSQL thawed first), then any PostgreSQL server still holding the data directory; finally checks that no
     * process of this home is left.
     *
     * @throws PlatformException when a process survived
     */
    public static void stop(PlatformSettings settings, Consumer<String> progress) {
        new Shutdown(settings, progress).run();
    }

    /**
     * One row per component: kafka, postgres, every configured instance of the five services, then any other
     * instance still running from a start with other settings (e.g. another {@code LIFEGUARD_INSTANCES}).
     */
    public static List<ComponentStatus> status(PlatformSettings settings) {
        List<ComponentStatus> rows = new ArrayList<>();
        Optional<ProcessHandle> infra = liveInfra(settings);
        boolean infraReady = infra.isPresent() && Files.exists(infraReadyFile(settings));
        rows.add(new ComponentStatus(KAFKA, pidOf(infra), settings.kafkaPort(),
                state(infra.isPresent(), infraReady && Probes.accepts(settings.kafkaPort()))));
        Optional<ProcessHandle> postgres = livePostgres(settings);
        rows.add(new ComponentStatus(POSTGRES, pidOf(postgres), settings.postgresPort(),
                state(postgres.isPresent(), postgres.isPresent() && Probes.accepts(settings.postgresPort()))));
        List<ServiceInstance> configured = settings.instancesOfAllServices();
        for (ServiceInstance instance : configured) {
            Optional<ProcessHandle> process = liveInstance(settings, instance.componentName());
            rows.add(new ComponentStatus(instance.componentName(), pidOf(process), instance.port(),
                    state(process.isPresent(), process.isPresent() && Probes.ready(instance.url()))));
        }
        Set<String> configuredNames = configured.stream().map(ServiceInstance::componentName).collect(Collectors.toSet());
        for (String component : recordedInstances(settings)) {
            Optional<ProcessHandle> process = liveInstance(settings, component);
            int port = Processes.readPort(settings.pidFile(component)).orElse(0);
            if (!configuredNames.contains(component) && process.isPresent()) {
                rows.add(new ComponentStatus(component, pidOf(process), port,
                        state(true, port > 0 && Probes.ready("http://localhost:" + port))));
            }
        }
        return rows;
    }

    /** True when Kafka, PostgreSQL and every instance of {@link PlatformSettings#services()} are healthy. */
    public static boolean isRunning(PlatformSettings settings) {
        List<String> wanted = new ArrayList<>(List.of(KAFKA, POSTGRES));
        settings.instances().forEach(instance -> wanted.add(instance.componentName()));
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

    /** Every instance this platform runs: in service order, then instance order. */
    public List<ServiceInstance> instances() {
        return settings.instances();
    }

    /** The base URLs of the service's instances, instance 1 first; empty when the service is not run. */
    public List<String> serviceUrls(LifeguardService service) {
        return instances().stream().filter(instance -> instance.service() == service).map(ServiceInstance::url)
                .toList();
    }

    /** The pid of the instance's process, if it runs. */
    public OptionalLong pid(ServiceInstance instance) {
        return pidOf(liveInstance(settings, instance.componentName()));
    }

    // --- faults: crashes and recovery, for fault-injection tests -------------------------------------------------

    /**
     * Crashes one instance: SIGKILL (as {@code kill -9}) to its process and all its descendants, returning once
     * they are gone. Its pid file stays, as after a real crash; {@link #startMissing()} brings it back.
     *
     * @throws PlatformException when the instance is not running, or survived
     */
    public void kill(ServiceInstance instance) {
        String component = instance.componentName();
        ProcessHandle process = liveInstance(settings, component)
                .orElseThrow(() -> new PlatformException(component + " is not running: nothing to kill"));
        if (!Processes.kill(process)) {
            throw new PlatformException(component + " (pid " + process.pid() + ") is still alive after SIGKILL");
        }
        progress.accept("  ✗ killed " + component + " (SIGKILL, pid " + process.pid() + ")");
    }

    /**
     * Starts every configured instance (and the infra) that is not running, and waits until all are healthy:
     * exactly what {@code ./lifeguard up} does on a partly running platform.
     *
     * @throws PlatformException naming the component that failed and its log file
     */
    public void startMissing() {
        start(settings, progress);
    }

    /**
     * Restarts the Kafka broker with its data kept (topics, records, committed consumer offsets), on the same
     * port, as a broker host restart: clients lose their connections and must reconnect. Returns once the broker
     * accepts connections again. PostgreSQL is not touched. The infra process does the restart in its own JVM,
     * asked by a request file in {@code <home>/run/} that it deletes when the broker serves again.
     *
     * @throws PlatformException when the infra is not running, exits, or the broker is not back within
     *                           {@link PlatformSettings#startTimeout()}
     */
    public void restartKafka() {
        ProcessHandle infra = liveInfra(settings).filter(process -> Files.exists(infraReadyFile(settings)))
                .orElseThrow(() -> new PlatformException("Kafka is not running (home " + settings.home() + ")"));
        long startNanos = System.nanoTime();
        Path request = kafkaRestartRequest(settings);
        try {
            Files.writeString(request, "requested by pid " + ProcessHandle.current().pid() + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlatformException("Cannot write " + request + ": " + e.getMessage(), e);
        }
        progress.accept("  ↻ restarting kafka (infra pid " + infra.pid() + "; its data is kept)");
        long deadline = startNanos + settings.startTimeout().toNanos();
        while (Files.exists(request) || !Files.exists(infraReadyFile(settings)) || !Probes.accepts(settings.kafkaPort())) {
            Path log = settings.logFile(INFRA);
            if (!infra.isAlive()) {
                throw new PlatformException("The infra process exited while restarting Kafka; see " + log
                        + logTail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new PlatformException("Kafka did not restart within " + settings.startTimeout().toSeconds()
                        + " s; see " + log + logTail(log));
            }
            pause("Kafka to restart");
        }
        progress.accept(String.format("  ✓ kafka up again on %s (%.1f s)", settings.kafkaBootstrapServers(),
                (System.nanoTime() - startNanos) / 1e9));
    }

    /**
     * Freezes PostgreSQL like a hung host: SIGSTOP to the postmaster and every process below it. Connections stay
     * open but nothing answers, and new connections hang, until {@link #thawPostgres()}.
     *
     * @throws PlatformException when PostgreSQL is not running
     */
    public void freezePostgres() {
        ProcessHandle postmaster = livePostgres(settings)
                .orElseThrow(() -> new PlatformException("PostgreSQL is not running (home " + settings.home() + ")"));
        // the postmaster first, so that it forks no backend that the second signal would miss
        Processes.signal("STOP", List.of(postmaster));
        List<ProcessHandle> backends = postmaster.descendants().toList();
        Processes.signal("STOP", backends);
        progress.accept("  ❄ froze postgres (SIGSTOP to postmaster pid " + postmaster.pid() + " and "
                + backends.size() + " processes below it)");
    }

    /** Undoes {@link #freezePostgres()}: SIGCONT to the postmaster and every process below it. Safe to repeat. */
    public void thawPostgres() {
        if (continuePostgres(settings)) {
            progress.accept("  ☀ thawed postgres (SIGCONT)");
        }
    }

    /**
     * Also stop the platform when this JVM exits (normally, on SIGTERM or Ctrl-C), e.g. a test run that dies
     * before its own clean-up. {@code ./lifeguard up} does not do this: its platform outlives the command.
     */
    public Platform stopOnJvmExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (liveInfra(settings).isPresent() || !liveInstances(settings).isEmpty()) {
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

    // --- measuring: one instance's graceful stop, the processes behind the infra ---------------------------------

    /**
     * Stops one instance as {@code ./lifeguard down} stops every instance: SIGTERM, up to
     * {@link PlatformSettings#stopTimeout()} for it to exit, SIGKILL after that; then its pid file is removed, so that
     * a later start is a start, not a restart. Graceful on purpose: a consumer that leaves its group on SIGTERM frees
     * its partitions at once, a killed one holds them until the session timeout and slows the next start.
     *
     * @return true when it exited on SIGTERM, false when it had to be killed
     * @throws PlatformException when the instance is not running
     */
    public boolean stopInstance(ServiceInstance instance) {
        String component = instance.componentName();
        ProcessHandle process = liveInstance(settings, component)
                .orElseThrow(() -> new PlatformException(component + " is not running: nothing to stop"));
        Duration grace = stopGrace(settings, List.of(process));
        List<String> killed = Processes.terminate(Map.of(component, process), grace);
        Processes.deleteQuietly(settings.pidFile(component));
        progress.accept(killed.isEmpty()
                ? "  ✓ stopped " + component + " (SIGTERM, pid " + process.pid() + ")"
                : "  ✗ " + component + " did not stop within " + grace.toSeconds()
                        + " s: killed (SIGKILL, pid " + process.pid() + ")");
        return killed.isEmpty();
    }

    /** The pid of the infra JVM (the Kafka broker, and what started PostgreSQL), if it runs. */
    public OptionalLong infraPid() {
        return pidOf(liveInfra(settings));
    }

    /** The pid of PostgreSQL's postmaster, if it runs; its backends and helpers are the processes below it. */
    public OptionalLong postgresPid() {
        return pidOf(livePostgres(settings));
    }

    // --- recognising our processes ---------------------------------------------------------------------------

    /** A JVM recording its class-data archive writes it as it exits: killing it would waste the recording. */
    static Duration stopGrace(PlatformSettings settings, Collection<ProcessHandle> services) {
        return settings.stopTimeout().plus(services.stream().map(ClassDataArchives::writingGrace)
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO));
    }

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

    static Optional<ProcessHandle> liveInstance(PlatformSettings settings, String component) {
        return Processes.live(settings.pidFile(component), launchedFrom(settings));
    }

    /** Component names of the service instances that have a pid file in {@code <home>/run/}. */
    static List<String> recordedInstances(PlatformSettings settings) {
        try (Stream<Path> files = Files.list(settings.runDirectory())) {
            return files.map(file -> SERVICE_PID_FILE.matcher(file.getFileName().toString()))
                    .filter(name -> name.matches() && LifeguardService.byName(name.group(1)).isPresent())
                    .map(name -> name.group(0).substring(0, name.group(0).length() - ".pid".length()))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Every running instance of this home, configured or left from other settings: component name to process. */
    static Map<String, ProcessHandle> liveInstances(PlatformSettings settings) {
        Map<String, ProcessHandle> live = new LinkedHashMap<>();
        List<String> components = new ArrayList<>();
        settings.instancesOfAllServices().forEach(instance -> components.add(instance.componentName()));
        recordedInstances(settings).stream().filter(component -> !components.contains(component))
                .forEach(components::add);
        for (String component : components) {
            liveInstance(settings, component).ifPresent(process -> live.put(component, process));
        }
        return live;
    }

    /** The postmaster named in the data directory's {@code postmaster.pid}, if it still runs. */
    static Optional<ProcessHandle> livePostgres(PlatformSettings settings) {
        return Processes.live(settings.postgresDataDirectory().resolve("postmaster.pid"), postgresOf(settings));
    }

    /** Written by the infra process once PostgreSQL's databases exist and Kafka serves: the infra is ready. */
    public static Path infraReadyFile(PlatformSettings settings) {
        return settings.runDirectory().resolve(INFRA + ".ready");
    }

    static Path postgresReadyFile(PlatformSettings settings) {
        return Infrastructure.postgresReadyFile(infraReadyFile(settings));
    }

    /** Written to ask the infra process for a Kafka restart; the infra deletes it once the broker serves again. */
    static Path kafkaRestartRequest(PlatformSettings settings) {
        return settings.runDirectory().resolve(KAFKA + ".restart");
    }

    /** SIGCONT to a (maybe frozen) PostgreSQL and everything below it; false when no PostgreSQL runs. */
    private static boolean continuePostgres(PlatformSettings settings) {
        Optional<ProcessHandle> postmaster = livePostgres(settings);
        if (postmaster.isEmpty()) {
            return false;
        }
        List<ProcessHandle> tree = new ArrayList<>(postmaster.get().descendants().toList());
        tree.add(postmaster.get());
        Processes.signal("CONT", tree);
        return true;
    }

    private static void pause(String what) {
        try {
            Thread.sleep(POLL_EVERY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while waiting for " + what);
        }
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
        return Jdk.current().java();
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
            Map<ServiceInstance, ProcessHandle> running = new LinkedHashMap<>();
            List<ServiceInstance> toStart = new ArrayList<>();
            Set<LifeguardService> skipped = EnumSet.noneOf(LifeguardService.class);
            for (ServiceInstance instance : settings.instances()) {
                LifeguardService service = instance.service();
                Optional<ProcessHandle> process = liveInstance(settings, instance.componentName());
                if (process.isPresent()) {
                    running.put(instance, process.get());
                } else if (Files.isRegularFile(settings.serviceApp(service))) {
                    toStart.add(instance);
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
                ProcessHandle infraProcess;
                if (infra.isPresent()) {
                    progress.accept("  = kafka + postgres already running (infra pid " + infra.get().pid() + ")");
                    infraProcess = infra.get();
                } else {
                    infraProcess = startInfra();
                }
                // the services need only PostgreSQL to start; they connect to Kafka once it serves
                await(List.of(postgresAwaited(infraProcess)));
                running.forEach((instance, process) -> progress.accept("  = " + instance.componentName()
                        + " already running (pid " + process.pid() + ")"));
                for (LifeguardService service : skipped) {
                    progress.accept("  ✗ " + service.moduleName() + " skipped: not built ("
                            + settings.repositoryRoot().relativize(settings.serviceApp(service)) + " is missing)");
                }
                List<Awaited> awaited = new ArrayList<>();
                awaited.add(kafkaAwaited(infraProcess));
                for (ServiceInstance instance : toStart) {
                    awaited.add(startInstance(instance));
                }
                await(awaited);
                finished = true;
                return new Platform(settings, List.copyOf(skipped), progress);
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
                LocalKeys.ensure(settings.keysDirectory());
            } catch (IOException | UncheckedIOException e) {
                throw new PlatformException("Cannot create " + settings.home() + ": " + e.getMessage(), e);
            }
        }

        private void checkPortsFree(boolean infraNeeded, List<ServiceInstance> toStart) {
            List<String> busy = new ArrayList<>();
            if (infraNeeded) {
                if (!Probes.free(settings.kafkaPort())) {
                    busy.add(settings.kafkaPort() + " (kafka; set " + PlatformSettings.KAFKA_PORT_VARIABLE + ")");
                }
                if (!Probes.free(settings.postgresPort()) && livePostgres(settings).isEmpty()) {
                    busy.add(settings.postgresPort() + " (postgres; set " + PlatformSettings.POSTGRES_PORT_VARIABLE + ")");
                }
            }
            for (ServiceInstance instance : toStart) {
                if (!Probes.free(instance.port())) {
                    busy.add(instance.port() + " (" + instance.componentName() + "; set " + (instance.number() == 1
                            ? instance.service().portVariable() : PlatformSettings.INSTANCE_PORT_BASE_VARIABLE) + ")");
                }
            }
            if (!busy.isEmpty()) {
                throw new PlatformException("Port(s) already in use by another program: " + String.join(", ", busy));
            }
        }

        private ProcessHandle startInfra() {
            Optional<ProcessHandle> leftover = livePostgres(settings);
            if (leftover.isPresent()) {
                progress.accept("  ! a PostgreSQL server of an earlier run still holds " + settings.postgresDataDirectory()
                        + " (pid " + leftover.get().pid() + "): stopping it");
                Processes.terminate(Map.of(POSTGRES, leftover.get()), POSTGRES_STOP_BOUND);
            }
            Processes.deleteQuietly(infraReadyFile(settings));
            Processes.deleteQuietly(postgresReadyFile(settings));
            String classPath = launcherClasspath(settings);
            List<String> command = new ArrayList<>(List.of(javaExecutable(), homeMarker(settings)));
            command.addAll(JvmOptions.infra());
            // only the packaged launcher has a class path worth an archive (a test JVM's changes with every build)
            Path launcherJar = Path.of(classPath);
            ClassDataArchives.Plan classData = classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
                    ? ClassDataArchives.plan(Jdk.current(), ClassDataArchives.App.launcher(launcherJar),
                            JvmOptions.infra(), true)
                    : new ClassDataArchives.Plan.None();
            command.addAll(classData.options());
            command.addAll(List.of(MAIN_CLASS, INFRA,
                    "--kafka-dir", settings.kafkaDataDirectory().toString(),
                    "--kafka-streams-dir", settings.kafkaStreamsDirectory().toString(),
                    "--kafka-port", Integer.toString(settings.kafkaPort()),
                    "--postgres-dir", settings.postgresDataDirectory().toString(),
                    "--postgres-port", Integer.toString(settings.postgresPort()),
                    "--ready-file", infraReadyFile(settings).toString(),
                    "--kafka-restart-request", kafkaRestartRequest(settings).toString()));
            // the class path in the environment: a test JVM's is long, and Linux shows no process its arguments
            // beyond 4 kB, which would hide the home marker
            Map<String, String> environment = new LinkedHashMap<>(JvmOptions.ENVIRONMENT);
            environment.put("CLASSPATH", classPath);
            Process process = Processes.spawn(command, environment, settings.home(), settings.logFile(INFRA));
            started.put(INFRA, process);
            Processes.writePid(settings.pidFile(INFRA), process.pid());
            progress.accept("  → starting kafka + postgres (infra pid " + process.pid() + "); Kafka's data (and monitor-service's"
                    + " Kafka Streams state with it) is wiped at each start (kept across restarts), PostgreSQL's is"
                    + " kept in " + settings.postgresDataDirectory());
            return process.toHandle();
        }

        /** PostgreSQL accepts connections and the infra says the databases exist. */
        private Awaited postgresAwaited(ProcessHandle infra) {
            return new Awaited(POSTGRES, "localhost:" + settings.postgresPort(), settings.logFile(INFRA), infra,
                    () -> (Files.exists(postgresReadyFile(settings)) || Files.exists(infraReadyFile(settings)))
                            && Probes.accepts(settings.postgresPort()));
        }

        /** The infra's ready file says Kafka serves too. */
        private Awaited kafkaAwaited(ProcessHandle infra) {
            return new Awaited(KAFKA, settings.kafkaBootstrapServers(), settings.logFile(INFRA), infra,
                    () -> Files.exists(infraReadyFile(settings)) && Probes.accepts(settings.kafkaPort()));
        }

        /**
         * Starts one instance. A pid file left behind (the instance crashed or was killed) makes it a restart,
         * and says so.
         */
        private Awaited startInstance(ServiceInstance instance) {
            String component = instance.componentName();
            boolean restart = Files.exists(settings.pidFile(component));
            Path app = settings.serviceApp(instance.service());
            List<String> jvmOptions = new ArrayList<>(JvmOptions.service());
            jvmOptions.addAll(settings.javaOptions());
            // one instance records the build's archive; the others would only race it
            ClassDataArchives.Plan classData = ClassDataArchives.plan(Jdk.current(), ClassDataArchives.App.service(app),
                    jvmOptions, instance.number() == 1);
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.add(homeMarker(settings));
            command.addAll(jvmOptions);
            command.addAll(classData.options());
            command.add("-jar");
            command.add(app.toString());
            Map<String, String> environment = new LinkedHashMap<>(JvmOptions.ENVIRONMENT);
            environment.putAll(settings.serviceEnvironment(instance));
            Process process = Processes.spawn(command, environment, settings.home(), settings.logFile(component));
            started.put(component, process);
            Processes.writePid(settings.pidFile(component), process.pid(), instance.port());
            String recording = classData instanceof ClassDataArchives.Plan.Record
                    ? "; first start of this build: recording its class-data archive for faster starts" : "";
            progress.accept(restart
                    ? "  → restarting " + component + " (was not running; pid " + process.pid() + ", port "
                            + instance.port() + recording + ")"
                    : "  → starting " + component + " (pid " + process.pid() + ", port " + instance.port()
                            + recording + ")");
            return new Awaited(component, instance.url(), settings.logFile(component), process.toHandle(),
                    () -> Probes.ready(instance.url()));
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
                pause("the platform to start");
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
                Processes.deleteQuietly(infraReadyFile(settings));
                Processes.deleteQuietly(postgresReadyFile(settings));
            }
            progress.accept("  stopped what this start had started: " + String.join(", ", toStop.keySet()));
        }

        private static String names(List<Awaited> components) {
            return components.stream().map(Awaited::name).collect(Collectors.joining(", "));
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
            Map<String, ProcessHandle> services = liveInstances(settings);
            Optional<ProcessHandle> infra = liveInfra(settings);
            Predicate<List<String>> ours = launchedFrom(settings).or(postgresOf(settings));
            if (services.isEmpty() && infra.isEmpty() && livePostgres(settings).isEmpty()
                    && Processes.matching(ours).isEmpty()) {
                progress.accept("Lifeguard is not running (home " + settings.home() + ")");
                cleanRunFiles();
                return;
            }
            // a frozen PostgreSQL would not even see its SIGTERM
            continuePostgres(settings);
            if (!services.isEmpty()) {
                progress.accept("  → stopping " + describe(services));
                Duration grace = stopGrace(settings, services.values());
                long recording = services.values().stream().filter(ClassDataArchives::recording).count();
                if (recording > 0) {
                    progress.accept("  … first stop of this build: " + recording + " of them write their class-data"
                            + " archive as they exit (up to " + grace.toSeconds() + " s)");
                }
                report(services, Processes.terminate(services, grace), grace);
            }
            if (infra.isPresent()) {
                Map<String, ProcessHandle> infraOnly = Map.of("kafka + postgres (infra)", infra.get());
                progress.accept("  → stopping kafka + postgres (infra pid " + infra.get().pid() + ")");
                Duration grace = INFRA_STOP_BOUND.plus(ClassDataArchives.writingGrace(infra.get()));
                report(infraOnly, Processes.terminate(infraOnly, grace), grace);
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
            Processes.deleteQuietly(infraReadyFile(settings));
            Processes.deleteQuietly(postgresReadyFile(settings));
            Processes.deleteQuietly(kafkaRestartRequest(settings));
            settings.instancesOfAllServices().forEach(instance ->
                    Processes.deleteQuietly(settings.pidFile(instance.componentName())));
            recordedInstances(settings).forEach(component -> Processes.deleteQuietly(settings.pidFile(component)));
        }
    }
}
