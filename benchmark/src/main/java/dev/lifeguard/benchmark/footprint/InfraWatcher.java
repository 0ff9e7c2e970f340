package dev.lifeguard.benchmark.footprint;

import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.PlatformSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the infra start on a thread of its own, every {@value StartWatcher#POLL_MILLIS} ms, without connecting
 * to anything (a connection to PostgreSQL forks a backend; forty a second would load the start being measured):
 * PostgreSQL is ready when its {@code postmaster.pid} (of a postmaster started with this call) says {@code ready},
 * which it writes once it accepts connections; Kafka when the infra process has written its ready file, once the
 * broker serves and the services' databases exist, which is what {@code ./lifeguard up} waits for.
 */
final class InfraWatcher {

    private final Path postmasterPid;
    private final Path readyFile;
    private final Instant call;
    private final long deadlineNanos;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile Instant postgresReady;
    private volatile Instant kafkaReady;

    /** When each became ready; null when not seen. */
    record Timing(Instant postgresReady, Instant kafkaReady) {
    }

    private InfraWatcher(PlatformSettings settings, Instant call, Duration bound) {
        this.postmasterPid = settings.postgresDataDirectory().resolve("postmaster.pid");
        this.readyFile = Platform.infraReadyFile(settings);
        this.call = call;
        this.deadlineNanos = System.nanoTime() + bound.toNanos();
    }

    static InfraWatcher watch(PlatformSettings settings, Instant call, Duration bound) {
        InfraWatcher watcher = new InfraWatcher(settings, call, bound);
        Thread thread = new Thread(watcher::run, "footprint-watch-infra");
        thread.setDaemon(true);
        thread.start();
        return watcher;
    }

    Timing await(Duration bound) {
        try {
            done.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        return new Timing(postgresReady, kafkaReady);
    }

    private void run() {
        try {
            while (!stopped && System.nanoTime() < deadlineNanos && (postgresReady == null || kafkaReady == null)) {
                if (postgresReady == null && postgresSaysReady()) {
                    postgresReady = Instant.now();
                }
                if (kafkaReady == null && readyFileWritten()) {
                    kafkaReady = Instant.now();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(StartWatcher.POLL_MILLIS));
            }
        } finally {
            done.countDown();
        }
    }

    private boolean postgresSaysReady() {
        try {
            if (!Files.isRegularFile(postmasterPid)) {
                return false;
            }
            return postmasterReady(Files.readAllLines(postmasterPid, StandardCharsets.UTF_8), this::startedWithThisCall);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Line 1 of {@code postmaster.pid} is the postmaster's pid, line 8 its status: {@code starting}, {@code ready}
     * or {@code stopping} (PostgreSQL 10 and later).
     */
    static boolean postmasterReady(List<String> lines, java.util.function.LongPredicate current) {
        return lines.size() >= 8 && lines.get(0).trim().matches("\\d{1,10}")
                && "ready".equals(lines.get(7).trim()) && current.test(Long.parseLong(lines.get(0).trim()));
    }

    private boolean startedWithThisCall(long pid) {
        Optional<Instant> start = ProcFiles.startOf(pid);
        return start.isPresent() && !start.get().isBefore(call.minusSeconds(1));
    }

    private boolean readyFileWritten() {
        try {
            return Files.isRegularFile(readyFile)
                    && !Files.getLastModifiedTime(readyFile).toInstant().isBefore(call.minusSeconds(1));
        } catch (IOException e) {
            return false;
        }
    }
}
