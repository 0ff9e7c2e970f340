package dev.lifeguard.reliability.fault;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformException;
import dev.lifeguard.launcher.platform.ServiceInstance;
import dev.lifeguard.reliability.ChaosOptions;
import dev.lifeguard.reliability.Topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Breaks the running platform while the workload runs, and repairs it:
 * <ul>
 *   <li>every {@code killEvery} (until {@link ChaosOptions#KILLS_UNTIL} of the window), SIGKILL to one instance, the
 *   services in turn (instance 1 of each, then the second instances), skipping instances that are still
 *   restarting and waiting while {@code maxDown} are down; one restarter per service brings its killed instances
 *   back the way {@code ./lifeguard up} does ({@link Platform#startMissing()}), so that a slow start of one
 *   service does not hold back another's;</li>
 *   <li>once, PostgreSQL frozen (SIGSTOP) for {@code freezeFor}, then thawed;</li>
 *   <li>once, the Kafka broker restarted with its data kept;</li>
 *   <li>{@code malformedRounds} times, poison records on every consumed topic ({@link MalformedRecords}).</li>
 * </ul>
 * Everything done is written to the {@link FaultLog} with how long recovery took.
 */
public final class FaultInjector implements AutoCloseable {

    private static final Duration STOP_BOUND = Duration.ofMinutes(3);

    private final Platform platform;
    private final ChaosOptions options;
    private final FaultLog log;
    private final MalformedRecords malformed;
    private final Consumer<String> say;
    private final List<ServiceInstance> killOrder;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(3, runnable -> {
        Thread thread = new Thread(runnable, "chaos-faults");
        thread.setDaemon(true);
        return thread;
    });
    private final Object lock = new Object();
    /** Killed instances not ready again yet, with the log entry of their kill. */
    private final Map<ServiceInstance, Killed> down = new LinkedHashMap<>();
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger skippedTicks = new AtomicInteger();
    /** One restarter per service: services come back concurrently, and no two starts race for one instance. */
    private final List<Thread> restarters = new ArrayList<>();
    private volatile boolean closing;
    private volatile long killsUntilNanos = Long.MAX_VALUE;
    private volatile FaultLog.Entry freeze;
    private volatile long frozenAtNanos;

    private record Killed(FaultLog.Entry entry, long atNanos) {
    }

    public FaultInjector(Platform platform, ChaosOptions options, FaultLog log, MalformedRecords malformed,
                         Consumer<String> say) {
        this.platform = platform;
        this.options = options;
        this.log = log;
        this.malformed = malformed;
        this.say = say;
        this.killOrder = interleaved(platform.instances());
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        for (LifeguardService service : EnumSet.copyOf(platform.instances().stream().map(ServiceInstance::service)
                .toList())) {
            // startMissing of a platform narrowed to one service starts only that service's missing instances
            Platform narrowed = Platform.attach(platform.settings().withServices(EnumSet.of(service)), line -> { });
            Thread restarter = new Thread(() -> restartLoop(service, narrowed), "chaos-restart-" + service.moduleName());
            restarter.setDaemon(true);
            restarters.add(restarter);
        }
    }

    /** Instance 1 of every service, then instance 2 of those that have one, …: each service in turn. */
    static List<ServiceInstance> interleaved(List<ServiceInstance> instances) {
        List<ServiceInstance> order = new ArrayList<>(instances);
        order.sort(Comparator.comparingInt(ServiceInstance::number).thenComparing(ServiceInstance::service));
        return List.copyOf(order);
    }

    /** Schedules every fault over the window, starting now. */
    public void start() {
        restarters.forEach(Thread::start);
        long window = options.faultWindow().toMillis();
        killsUntilNanos = System.nanoTime() + (long) (window * ChaosOptions.KILLS_UNTIL) * 1_000_000;
        long killEvery = options.killEvery().toMillis();
        scheduler.scheduleAtFixedRate(this::killNext, killEvery, killEvery, TimeUnit.MILLISECONDS);
        scheduler.schedule(this::freezePostgres, (long) (window * ChaosOptions.FREEZE_AT), TimeUnit.MILLISECONDS);
        scheduler.schedule(this::restartKafka, (long) (window * ChaosOptions.KAFKA_RESTART_AT), TimeUnit.MILLISECONDS);
        int rounds = options.malformedRounds();
        for (int round = 0; round < rounds; round++) {
            long at = (long) (window * (round + 0.5) / rounds);
            scheduler.schedule(this::injectMalformed, at, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Ends the fault window: no new fault starts, one in progress ends (PostgreSQL is thawed at once, a broker restart
     * finishes), and every instance runs again before this returns.
     *
     * @throws PlatformException when the platform cannot be brought back
     */
    public void stop() {
        closing = true;
        scheduler.shutdown();
        thawPostgres();
        awaitTermination();
        thawPostgres(); // a freeze that started while shutting down
        platform.thawPostgres();
        long joinUntil = System.nanoTime() + STOP_BOUND.toNanos();
        for (Thread restarter : restarters) {
            try {
                restarter.join(Math.max(1, (joinUntil - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        platform.startMissing();
        synchronized (lock) {
            down.forEach((instance, killed) -> log.recovered(killed.entry(),
                    Duration.ofNanos(System.nanoTime() - killed.atNanos())));
            down.clear();
        }
    }

    public int skippedKillTicks() {
        return skippedTicks.get();
    }

    private void killNext() {
        if (closing || System.nanoTime() > killsUntilNanos) {
            return;
        }
        String killed;
        synchronized (lock) {
            if (down.size() >= options.maxDown()) {
                skippedTicks.incrementAndGet();
                return;
            }
            ServiceInstance victim = null;
            for (int tried = 0; tried < killOrder.size() && victim == null; tried++) {
                ServiceInstance candidate = killOrder.get(Math.floorMod(cursor.getAndIncrement(), killOrder.size()));
                if (!down.containsKey(candidate)) {
                    victim = candidate;
                }
            }
            if (victim == null) {
                skippedTicks.incrementAndGet();
                return;
            }
            OptionalLong pid = platform.pid(victim);
            long nanos = System.nanoTime();
            try {
                platform.kill(victim);
            } catch (PlatformException e) {
                // it was not running (it crashed on its own?): the restarter brings it back all the same
                log.add(FaultLog.Kind.ERROR, victim.componentName(), "not running when its kill was due: "
                        + e.getMessage(), null);
            }
            String detail = pid.isPresent() ? "pid " + pid.getAsLong() : "no pid";
            FaultLog.Entry entry = log.add(FaultLog.Kind.KILL, victim.componentName(), detail, null);
            down.put(victim, new Killed(entry, nanos));
            lock.notifyAll();
            killed = victim.componentName() + " (" + detail + ")";
        }
        say.accept("✗ kill -9 " + killed);
    }

    /**
     * Brings the service's killed instances back as {@code ./lifeguard up} would; one {@code startMissing} starts
     * every instance of the service that is down at the time.
     */
    private void restartLoop(LifeguardService service, Platform narrowed) {
        while (true) {
            Map<ServiceInstance, Killed> batch = new LinkedHashMap<>();
            synchronized (lock) {
                while (!isDown(service) && !closing) {
                    try {
                        lock.wait(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!isDown(service)) {
                    return;
                }
                down.forEach((instance, killed) -> {
                    if (instance.service() == service) {
                        batch.put(instance, killed);
                    }
                });
            }
            try {
                narrowed.startMissing();
            } catch (PlatformException e) {
                log.add(FaultLog.Kind.ERROR, "restart", firstLine(e.getMessage()), null);
                say.accept("! restart failed, trying again: " + firstLine(e.getMessage()));
                pause(Duration.ofSeconds(1));
                continue;
            }
            long now = System.nanoTime();
            synchronized (lock) {
                batch.forEach((instance, killed) -> {
                    if (platform.pid(instance).isPresent() && down.get(instance) == killed) {
                        Duration took = Duration.ofNanos(now - killed.atNanos());
                        log.recovered(killed.entry(), took);
                        down.remove(instance);
                        say.accept(String.format("✓ %s ready again, %.1f s after its kill", instance.componentName(),
                                took.toMillis() / 1000.0));
                    }
                });
            }
        }
    }

    /** Caller holds the lock. */
    private boolean isDown(LifeguardService service) {
        return down.keySet().stream().anyMatch(instance -> instance.service() == service);
    }

    private void freezePostgres() {
        if (closing) {
            return;
        }
        try {
            platform.freezePostgres();
            frozenAtNanos = System.nanoTime();
            freeze = log.add(FaultLog.Kind.FREEZE, "postgres", "SIGSTOP to the postmaster and its backends", null);
            say.accept("❄ froze PostgreSQL for " + options.freezeFor().toSeconds() + " s");
            scheduler.schedule(this::thawPostgres, options.freezeFor().toMillis(), TimeUnit.MILLISECONDS);
        } catch (PlatformException e) {
            log.add(FaultLog.Kind.ERROR, "postgres", "could not freeze: " + e.getMessage(), null);
        }
    }

    private void thawPostgres() {
        FaultLog.Entry frozen;
        synchronized (lock) {
            frozen = freeze;
            freeze = null;
        }
        if (frozen == null) {
            return;
        }
        platform.thawPostgres();
        Duration took = Duration.ofNanos(System.nanoTime() - frozenAtNanos);
        log.recovered(frozen, took);
        log.add(FaultLog.Kind.THAW, "postgres", "SIGCONT", null);
        say.accept(String.format("☀ thawed PostgreSQL after %.1f s", took.toMillis() / 1000.0));
    }

    private void restartKafka() {
        if (closing) {
            return;
        }
        long start = System.nanoTime();
        say.accept("↻ restarting the Kafka broker (data kept)");
        try {
            platform.restartKafka();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.add(FaultLog.Kind.KAFKA_RESTART, "kafka", "stopped and started, same port, log directory kept", took);
            say.accept(String.format("✓ Kafka serves again after %.1f s", took.toMillis() / 1000.0));
        } catch (PlatformException e) {
            log.add(FaultLog.Kind.ERROR, "kafka", "restart failed: " + firstLine(e.getMessage()), null);
            say.accept("! Kafka restart failed: " + firstLine(e.getMessage()));
        }
    }

    private void injectMalformed() {
        if (closing) {
            return;
        }
        long start = System.nanoTime();
        int acked = malformed.sendRound();
        int topics = Topology.consumedTopics().size();
        log.add(FaultLog.Kind.MALFORMED, topics + " topics", acked + " of " + topics * 2
                + " acknowledged (not JSON; CloudEvent without id and type)", Duration.ofNanos(System.nanoTime() - start));
        say.accept("☠ " + acked + " malformed records sent to " + topics + " topics");
    }

    private void awaitTermination() {
        try {
            if (!scheduler.awaitTermination(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Never leaves PostgreSQL frozen, whatever happened. */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        thawPostgres();
        platform.thawPostgres();
        restarters.forEach(Thread::interrupt);
    }
}
