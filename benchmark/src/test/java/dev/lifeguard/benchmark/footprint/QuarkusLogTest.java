package dev.lifeguard.benchmark.footprint;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuarkusLogTest {

    private static final String STARTED = "2026-12-03 13:48:20,822 INFO  [io.quarkus] (main) deploy-service 0.1.0-SNAPSHOT"
            + " on JVM (powered by Quarkus 3.33.2) started in 3.403s. Listening on: http://0.0.0.0:8081";

    @Test
    void theStartedLineGivesItsTimestampAndQuarkusOwnFigure() {
        QuarkusLog.Started started = QuarkusLog.started(STARTED).orElseThrow();

        assertThat(started.loggedAt()).contains(LocalDateTime.of(2026, 12, 3, 13, 48, 20, 822_000_000));
        assertThat(started.reportedSeconds()).isEqualTo(3.403);
        assertThat(started.loggedAt(ZoneOffset.ofHours(1))).contains(Instant.parse("2026-12-03T12:48:20.822Z"));
        assertThat(started.loggedAt(ZoneId.of("UTC"))).contains(Instant.parse("2026-12-03T13:48:20.822Z"));
    }

    @Test
    void otherLinesAreNotTheStartedLine() {
        assertThat(QuarkusLog.started("2026-12-03 13:48:20,100 INFO  [io.quarkus] (main) Profile prod activated.")).isEmpty();
        assertThat(QuarkusLog.started("2026-12-03 13:48:20,100 INFO  [org.flywaydb] (main) Migration started in 3.1s"))
                .isEmpty();
        assertThat(QuarkusLog.started("")).isEmpty();
    }

    @Test
    void colouredOrTimestamplessLinesAreStillRecognised() {
        String coloured = "\u001B[32m2026-12-03 13:48:20,822\u001B[39m INFO  [io.quarkus] (main) x started in 1.5s."
                + " Listening on: http://0.0.0.0:1";
        assertThat(QuarkusLog.started(coloured).orElseThrow().loggedAt())
                .contains(LocalDateTime.of(2026, 12, 3, 13, 48, 20, 822_000_000));

        QuarkusLog.Started bare = QuarkusLog.started("{\"message\":\"x started in 2s. Listening on: http://0.0.0.0:1\"}")
                .orElseThrow();
        assertThat(bare.loggedAt()).isEmpty();
        assertThat(bare.reportedSeconds()).isEqualTo(2.0);
    }

    @Test
    void onlyTheLineAfterTheLastStartMarkerCounts() {
        List<String> log = List.of(
                "----- started 2026-12-03T13:40:00Z: java -jar quarkus-run.jar",
                STARTED.replace("13:48:20,822", "13:40:03,000"),
                "----- started 2026-12-03T13:48:17Z: java -jar quarkus-run.jar",
                "2026-12-03 13:48:19,000 INFO  [org.flywaydb.core.FlywayExecutor] (main) Database: jdbc:postgresql://…",
                STARTED);

        assertThat(QuarkusLog.startedAfterLastMarker(log).orElseThrow().loggedAt())
                .contains(LocalDateTime.of(2026, 12, 3, 13, 48, 20, 822_000_000));
        assertThat(QuarkusLog.startedAfterLastMarker(log.subList(0, 4))).as("the last start has not started yet")
                .isEmpty();
        assertThat(QuarkusLog.startedAfterLastMarker(List.of(STARTED))).as("no marker: the whole log").isPresent();
    }

    @Test
    void theScannerKeepsTheFirstStartedLineOfAStart() {
        QuarkusLog.Scanner scanner = new QuarkusLog.Scanner();
        scanner.accept("----- started 2026-12-03T13:48:17Z: java -jar quarkus-run.jar");
        scanner.accept(STARTED);
        scanner.accept(STARTED.replace("3.403s", "9.999s"));

        assertThat(scanner.started().orElseThrow().reportedSeconds()).isEqualTo(3.403);

        scanner.accept("----- started 2026-12-03T13:50:00Z: java -jar quarkus-run.jar");
        assertThat(scanner.started()).isEmpty();
    }
}
