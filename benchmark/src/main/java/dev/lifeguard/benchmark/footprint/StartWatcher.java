package dev.lifeguard.benchmark.footprint;

import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.platform.Probes;
import dev.lifeguard.launcher.platform.ServiceInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches one instance start, on a thread of its own, more finely than the launcher's 250 ms poll: every
 * {@value #POLL_MILLIS} ms it looks for the instance's pid file, then reads its log for Quarkus' "started in" line
 * and asks {@code GET /q/health/ready} (1 s timeout) until the first 200 with {@code "status":"UP"}.
 */
final class StartWatcher {

    static final long POLL_MILLIS = 25;

    private final String component;
    private final Path pidFile;
    private final String baseUrl;
    private final Instant call;
    private final long deadlineNanos;
    private final LogFollower log;
    private final QuarkusLog.Scanner scanner = new QuarkusLog.Scanner();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopped;

    private volatile long pid;
    private volatile Instant processStart;
    private volatile Instant started;
    private volatile boolean startedFromTimestamp;
    private volatile Double quarkusSeconds;
    private volatile Instant ready;

    private StartWatcher(ServiceInstance instance, PlatformSettings settings, Instant call, Duration bound) {
        this.component = instance.componentName();
        this.pidFile = settings.pidFile(component);
        this.baseUrl = instance.url();
        this.call = call;
        this.deadlineNanos = System.nanoTime() + bound.toNanos();
        this.log = LogFollower.fromEnd(settings.logFile(component));
    }

    /**
     * Starts watching; call it just before {@code Platform.start}. Reading the log starts at its current end, so an
     * earlier start's lines never count.
     */
    static StartWatcher watch(ServiceInstance instance, PlatformSettings settings, Instant call, Duration bound) {
        StartWatcher watcher = new StartWatcher(instance, settings, call, bound);
        Thread thread = new Thread(watcher::run, "footprint-watch-" + instance.componentName());
        thread.setDaemon(true);
        thread.start();
        return watcher;
    }

    /**
     * Waits up to {@code bound} for both the ready answer and the "started in" line, stops watching and returns what
     * was seen.
     */
    StartTiming await(Duration bound) {
        try {
            done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
        return new StartTiming(component, pid, call, processStart, started, startedFromTimestamp, quarkusSeconds, ready);
    }

    void stop() {
        stopped = true;
    }

    private void run() {
        try {
            while (!stopped && System.nanoTime() < deadlineNanos && (ready == null || started == null)) {
                if (processStart == null) {
                    findProcess();
                }
                if (processStart != null) {
                    if (started == null) {
                        readLog();
                    }
                    if (ready == null && ready()) {
                        ready = Instant.now();
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
            }
        } finally {
            done.countDown();
        }
    }

    /** The pid file's process, if it started with this call (a stale file's process is gone or older). */
    private void findProcess() {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).trim().matches("\\d{1,10}")) {
                return;
            }
            long candidate = Long.parseLong(lines.get(0).trim());
            Optional<Instant> start = ProcFiles.startOf(candidate);
            if (start.isPresent() && !start.get().isBefore(call.minusSeconds(1))) {
                pid = candidate;
                processStart = start.get();
            }
        } catch (IOException e) {
            // written right now: read again at the next poll
        }
    }

    private void readLog() {
        for (String line : log.newLines()) {
            scanner.accept(line);
        }
        scanner.started().ifPresent(line -> {
            Optional<Instant> loggedAt = line.loggedAt(ZoneId.systemDefault());
            startedFromTimestamp = loggedAt.isPresent();
            quarkusSeconds = line.reportedSeconds();
            started = loggedAt.orElseGet(Instant::now);
        });
    }

    private boolean ready() {
        boolean ready = Probes.ready(baseUrl);
        if (Thread.currentThread().isInterrupted()) {
            stopped = true;
        }
        return ready;
    }
}
