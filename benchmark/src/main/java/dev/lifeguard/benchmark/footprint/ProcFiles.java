package dev.lifeguard.benchmark.footprint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reading {@code /proc}: a process's memory ({@code VmRSS} from {@code status}, PSS from {@code smaps_rollup}), its
 * start time and its command line. The parsing is separate from the reading, so that it can be tested on text.
 */
public final class ProcFiles {

    /**
     * USER_HZ, the unit of {@code starttime} in {@code /proc/<pid>/stat}: 100 on every Linux architecture the JDK
     * runs on (the kernel's own HZ may differ; /proc converts).
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|credential|private).*");

    /**
     * Resident set size (everything mapped and in memory, shared pages counted in full) and proportional set size
     * (each shared page divided by the number of processes mapping it), in bytes.
     */
    record Memory(long rssBytes, long pssBytes) {

        Memory plus(Memory other) {
            return new Memory(rssBytes + other.rssBytes, pssBytes + other.pssBytes);
        }
    }

    private ProcFiles() {
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, e.g. {@code VmRSS:   123456 kB}, in kibibytes. */
    static OptionalLong statusKib(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String value = line.substring(field.length() + 1).trim().replaceAll("\\s*kB$", "");
                if (value.matches("\\d+")) {
                    return OptionalLong.of(Long.parseLong(value));
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The sum of the {@code Pss:} lines in kibibytes: the one line of {@code smaps_rollup}, or one per mapping in
     * {@code smaps} (older kernels). {@code Pss_Anon:}, {@code Pss_File:} … are parts of it, not added.
     */
    static OptionalLong pssKib(String smaps) {
        long total = 0;
        boolean found = false;
        for (String line : smaps.split("\n")) {
            if (line.startsWith("Pss:")) {
                String value = line.substring("Pss:".length()).trim().replaceAll("\\s*kB$", "");
                if (value.matches("\\d+")) {
                    total += Long.parseLong(value);
                    found = true;
                }
            }
        }
        return found ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** Field 22 of {@code /proc/<pid>/stat}: clock ticks after boot when the process started. */
    static long startTicks(String stat) {
        // the command name (field 2) is in parentheses and may itself contain spaces and parentheses
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field 22 is fields[19]
        return Long.parseLong(fields[19]);
    }

    /** The first number of {@code /proc/uptime}: time since boot, suspend included, in centiseconds resolution. */
    static Duration uptime(String uptime) {
        String seconds = uptime.trim().split("\\s+")[0];
        int dot = seconds.indexOf('.');
        long whole = Long.parseLong(dot < 0 ? seconds : seconds.substring(0, dot));
        String fraction = dot < 0 ? "0" : (seconds.substring(dot + 1) + "000000000").substring(0, 9);
        return Duration.ofSeconds(whole, Long.parseLong(fraction));
    }

    /**
     * When a process started, on the wall clock: the boot instant ({@code now} minus the uptime read at that moment)
     * plus its start ticks. Not {@code ProcessHandle.Info.startInstant()}: the JDK adds the ticks to {@code btime} of
     * {@code /proc/stat}, the boot time truncated to whole seconds, so its instants are up to a second early.
     */
    static Instant startInstant(long startTicks, Instant now, Duration uptimeNow) {
        Instant boot = now.minus(uptimeNow);
        return boot.plusNanos(startTicks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND));
    }

    /** The process's start on the wall clock (10 ms resolution), if it still exists. */
    static Optional<Instant> startOf(long pid) {
        try {
            String stat = Files.readString(proc(pid, "stat"), StandardCharsets.UTF_8);
            String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.UTF_8);
            Instant now = Instant.now();
            return Optional.of(startInstant(startTicks(stat), now, uptime(uptime)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** VmRSS of a running process in bytes; empty when it is gone or its status cannot be read. */
    public static OptionalLong rssBytesOf(long pid) {
        try {
            OptionalLong kib = statusKib(Files.readString(proc(pid, "status"), StandardCharsets.UTF_8), "VmRSS");
            return kib.isPresent() ? OptionalLong.of(kib.getAsLong() * 1024) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** RSS and PSS of a running process; empty when it is gone or its files cannot be read. */
    static Optional<Memory> memoryOf(long pid) {
        try {
            Path rollup = proc(pid, "smaps_rollup");
            String smaps = Files.readString(Files.exists(rollup) ? rollup : proc(pid, "smaps"), StandardCharsets.UTF_8);
            OptionalLong rss = rssBytesOf(pid);
            OptionalLong pss = pssKib(smaps);
            if (rss.isEmpty() || pss.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Memory(rss.getAsLong(), pss.getAsLong() * 1024));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The arguments of {@code /proc/<pid>/cmdline}, separated by NUL bytes there. */
    static List<String> commandLine(byte[] cmdline) {
        List<String> arguments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                arguments.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            arguments.add(new String(cmdline, start, cmdline.length - start, StandardCharsets.UTF_8));
        }
        return arguments;
    }

    static Optional<List<String>> commandLineOf(long pid) {
        try {
            return Optional.of(commandLine(Files.readAllBytes(proc(pid, "cmdline"))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The command line as one string for a report, the value of any {@code -Dname=value} whose name looks like a
     * secret replaced by {@code ***}: the launcher passes secrets in the environment, but a JVM option could carry one.
     */
    static String printable(List<String> arguments) {
        List<String> shown = new ArrayList<>();
        for (String argument : arguments) {
            int equals = argument.indexOf('=');
            if (argument.startsWith("-D") && equals > 0 && SECRET_NAME.matcher(argument.substring(2, equals)).matches()) {
                shown.add(argument.substring(0, equals + 1) + "***");
            } else {
                shown.add(argument);
            }
        }
        return String.join(" ", shown);
    }

    private static Path proc(long pid, String file) {
        return Path.of("/proc", Long.toString(pid), file);
    }
}
