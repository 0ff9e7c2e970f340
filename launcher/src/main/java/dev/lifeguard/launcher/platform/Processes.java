package dev.lifeguard.launcher.platform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
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
     * it), stdin from /dev/null, stdout and stderr appended to its log file after a line marking the start, so that
     * what a crashed process logged before it was restarted is still there to read.
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
            Files.writeString(logFile, "----- started " + OffsetDateTime.now() + ": " + String.join(" ", command)
                    + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true);
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + String.join(" ", command), e);
        }
    }

    static void writePid(Path pidFile, long pid) {
        write(pidFile, pid + "\n");
    }

    /** The pid on the first line (what scripts read), the process's port on the second. */
    static void writePid(Path pidFile, long pid, int port) {
        write(pidFile, pid + "\n" + port + "\n");
    }

    private static void write(Path pidFile, String content) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + pidFile, e);
        }
    }

    /** The port on the second line of a pid file, if there is one. */
    static Optional<Integer> readPort(Path pidFile) {
        try {
            List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile, StandardCharsets.UTF_8)
                    : List.of();
            return lines.size() > 1 && lines.get(1).trim().matches("\\d{1,5}")
                    ? Optional.of(Integer.parseInt(lines.get(1).trim())) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
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

    /** SIGKILL to the process and everything below it, waiting briefly for them to go; true when all went. */
    static boolean kill(ProcessHandle handle) {
        List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
        tree.add(0, handle);
        tree.forEach(ProcessHandle::destroyForcibly);
        boolean gone = true;
        for (ProcessHandle process : tree) {
            gone &= awaitExit(process, Duration.ofSeconds(5));
        }
        return gone;
    }

    /**
     * Sends a signal ({@code STOP}, {@code CONT}, …) with {@code kill}, which reaches processes this JVM did not
     * start. A process that exited meanwhile is no error.
     */
    static void signal(String signal, List<ProcessHandle> processes) {
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(process -> command.add(Long.toString(process.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new PlatformException(String.join(" ", command) + " did not return");
            }
            boolean onlyGoneProcesses = output.lines().allMatch(line -> line.contains("No such process"));
            if (kill.exitValue() != 0 && !onlyGoneProcesses) {
                throw new PlatformException(String.join(" ", command) + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while sending SIG" + signal, e);
        }
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
