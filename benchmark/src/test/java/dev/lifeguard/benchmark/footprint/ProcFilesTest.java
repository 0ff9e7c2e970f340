package dev.lifeguard.benchmark.footprint;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFilesTest {

    @Test
    void rssIsReadFromStatusInKibibytes() {
        String status = """
                Name:\tjava
                VmPeak:\t 3000000 kB
                VmRSS:\t  183456 kB
                RssAnon:\t  150000 kB
                Threads:\t42
                """;

        assertThat(ProcFiles.statusKib(status, "VmRSS")).hasValue(183456);
        assertThat(ProcFiles.statusKib(status, "RssAnon")).hasValue(150000);
        assertThat(ProcFiles.statusKib(status, "VmSwap")).isEmpty();
    }

    @Test
    void pssIsTheSumOfThePssLinesOnly() {
        String rollup = """
                55d0c0a00000-7ffd6f7fe000 ---p 00000000 00:00 0                          [rollup]
                Rss:              183456 kB
                Pss:              120001 kB
                Pss_Anon:         100000 kB
                Pss_File:          20001 kB
                Pss_Shmem:             0 kB
                Shared_Clean:      60000 kB
                """;
        String smaps = """
                00400000-00401000 r-xp 00000000 08:01 1 /usr/bin/postgres
                Rss:                   8 kB
                Pss:                   4 kB
                Pss_Anon:              0 kB
                7f0000000000-7f0000100000 rw-s 00000000 00:01 2 /SYSV00000000 (deleted)
                Pss:                 100 kB
                """;

        assertThat(ProcFiles.pssKib(rollup)).hasValue(120001);
        assertThat(ProcFiles.pssKib(smaps)).hasValue(104);
        assertThat(ProcFiles.pssKib("Rss: 1 kB\n")).isEmpty();
    }

    @Test
    void theStartTicksAreFieldTwentyTwoWhateverTheCommandName() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 30 0 7173932 3000000 45000"
                + " 18446744073709551615 1 1 0 0 0 0 0 4096 17612 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcFiles.startTicks(stat)).isEqualTo(7173932);
    }

    @Test
    void theStartIsPlacedOnTheWallClockThroughTheUptime() {
        Duration uptime = ProcFiles.uptime("71739.32 71993.79\n");
        assertThat(uptime).isEqualTo(Duration.ofMillis(71_739_320));
        assertThat(ProcFiles.uptime("5 10")).isEqualTo(Duration.ofSeconds(5));

        Instant now = Instant.parse("2026-12-03T14:00:00.000Z");
        // booted 71739.32 s before now; started 71700.05 s after boot: 39.27 s ago
        assertThat(ProcFiles.startInstant(7_170_005, now, uptime)).isEqualTo(Instant.parse("2026-12-03T13:59:20.730Z"));
    }

    @Test
    void aLiveProcessHasAStartBeforeNowAndMemory() {
        long self = ProcessHandle.current().pid();
        Instant before = Instant.now();

        assertThat(ProcFiles.startOf(self)).hasValueSatisfying(start -> assertThat(start).isBefore(before));
        assertThat(ProcFiles.memoryOf(self)).hasValueSatisfying(memory -> {
            assertThat(memory.rssBytes()).isPositive();
            assertThat(memory.pssBytes()).isPositive().isLessThanOrEqualTo(memory.rssBytes());
        });
        assertThat(ProcFiles.commandLineOf(self)).hasValueSatisfying(line -> assertThat(line.get(0)).endsWith("java"));
        assertThat(ProcFiles.memoryOf(Long.MAX_VALUE)).isEmpty();
        assertThat(ProcFiles.startOf(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void theCommandLineIsSplitAtNulBytesAndSecretLookingPropertiesAreMasked() {
        byte[] cmdline = "/usr/bin/java\0-Dlifeguard.launcher.home=/h\0-Xss512k\0-Ddb.password=hunter2\0-DapiToken=t\0-jar\0q.jar\0"
                .getBytes(StandardCharsets.UTF_8);

        List<String> line = ProcFiles.commandLine(cmdline);

        assertThat(line).containsExactly("/usr/bin/java", "-Dlifeguard.launcher.home=/h", "-Xss512k",
                "-Ddb.password=hunter2", "-DapiToken=t", "-jar", "q.jar");
        assertThat(ProcFiles.printable(line)).isEqualTo("/usr/bin/java -Dlifeguard.launcher.home=/h -Xss512k"
                + " -Ddb.password=*** -DapiToken=*** -jar q.jar");
        assertThat(ProcFiles.commandLine("a\0b".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "b");
    }

    @Test
    void memoryAddsUp() {
        assertThat(new ProcFiles.Memory(10, 4).plus(new ProcFiles.Memory(5, 3))).isEqualTo(new ProcFiles.Memory(15, 7));
    }

    @Test
    void theResidentSizeOfALiveProcessIsReadAndAGoneOneIsEmpty() {
        long self = ProcessHandle.current().pid();

        assertThat(ProcFiles.rssBytesOf(self).orElseThrow()).isGreaterThan(1024 * 1024);
        assertThat(ProcFiles.memoryOf(self)).hasValueSatisfying(memory ->
                assertThat(memory.rssBytes()).isGreaterThanOrEqualTo(memory.pssBytes()));
        assertThat(ProcFiles.rssBytesOf(Long.MAX_VALUE)).isEmpty();
    }
}
