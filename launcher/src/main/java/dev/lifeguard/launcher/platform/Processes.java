package dev.lifeguard.launcher.platform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Starting detached processes, finding them again by pid file, and stopping them within a bound. */
final class Processes {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Processes() {
    }

    /**
     * Starts a process that outlives this JVM: its own session (so a Ctrl-C or a closed terminal does not reach
     * it), stdin from /dev/null, stdout and stderr into a fresh log file.
     */
    static Process spawn(List<String> command, Map<String, String> environment, Path workingDirectory, Path logFile) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            full.add(SETSID.toString());
        }
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(workingDirectory);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                    .redirectErrorStream(true);
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + String.join(" ", command), e);
        }
    }

    static void writePid(Path pidFile, long pid) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + pidFile, e);
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale file is harmless: its pid no longer matches a process of ours
        }
    }

    /** The live process with that pid, if its command line satisfies {@code ours} (guards against reused pids). */
    static Optional<ProcessHandle> live(long pid, Predicate<List<String>> ours) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(handle -> ours.test(commandLine(handle)));
    }

    /** The live process named in a pid file, if it is still ours. */
    static Optional<ProcessHandle> live(Path pidFile, Predicate<List<String>> ours) {
        return readPid(pidFile).flatMap(pid -> live(pid, ours));
    }

    /** Every live process whose command line satisfies the predicate (this JVM excluded). */
    static List<ProcessHandle> matching(Predicate<List<String>> ours) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(handle -> handle.pid() != self)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> ours.test(commandLine(handle)))
                .toList();
    }

    /** The executable and its arguments; empty when the process is gone or not readable. */
    static List<String> commandLine(ProcessHandle handle) {
        ProcessHandle.Info info = handle.info();
        List<String> line = new ArrayList<>();
        info.command().ifPresent(line::add);
        info.arguments().ifPresent(arguments -> line.addAll(List.of(arguments)));
        return line;
    }

    /**
     * SIGTERM to all, then waits up to {@code grace} for them to exit; survivors (and their descendants) get
     * SIGKILL. Returns the names of the processes that had to be killed.
     */
    static List<String> terminate(Map<String, ProcessHandle> processes, Duration grace) {
        Map<String, ProcessHandle> alive = new LinkedHashMap<>();
        processes.forEach((name, handle) -> {
            if (handle.isAlive()) {
                alive.put(name, handle);
                handle.destroy();
            }
        });
        List<String> killed = new ArrayList<>();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Map.Entry<String, ProcessHandle> entry : alive.entrySet()) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!awaitExit(entry.getValue(), Duration.ofNanos(left))) {
                killed.add(entry.getKey());
                kill(entry.getValue());
            }
        }
        return killed;
    }

    /** SIGKILL to the process and everything below it, waiting briefly for it to go. */
    static void kill(ProcessHandle handle) {
        List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
        tree.add(0, handle);
        tree.forEach(ProcessHandle::destroyForcibly);
        tree.forEach(process -> awaitExit(process, Duration.ofSeconds(5)));
    }

    static boolean awaitExit(ProcessHandle handle, Duration bound) {
        if (!handle.isAlive()) {
            return true;
        }
        CompletableFuture<ProcessHandle> exit = handle.onExit();
        try {
            exit.get(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }
}
