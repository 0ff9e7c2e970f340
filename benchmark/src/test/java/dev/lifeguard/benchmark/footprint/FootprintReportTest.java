package dev.lifeguard.benchmark.footprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class FootprintReportTest {

    private static final Instant T0 = Instant.parse("2026-12-03T15:00:00Z");
    private static final long MIB = 1024 * 1024;

    @Test
    void togetherIsJudgedOnTheMedianOfTheRoundsWithoutTheFreshStart() {
        FootprintResults results = results();
        results.together.add(round(0, true, 60.0));
        results.together.add(round(1, false, 20.0));
        results.together.add(round(2, false, 35.0));
        results.together.add(round(3, false, 25.0));

        List<FootprintReport.Row> rows = FootprintReport.rows(results);

        assertThat(rows).extracting(FootprintReport.Row::figure, FootprintReport.Row::measured,
                        FootprintReport.Row::target, FootprintReport.Row::verdict)
                .contains(tuple("all five healthy, from the start call (together)", "25.00 s / 35.00 s", "≤ 30 s", "PASS"),
                        tuple("  infra ready (PostgreSQL + Kafka)", "5.00 s / 5.00 s", "-", ""),
                        tuple("  deploy-service: process start → \"started in\" (together)", "18.00 s / 28.00 s", "-", ""),
                        tuple("  deploy-service: process start → ready (together)", "19.00 s / 29.00 s", "-", ""),
                        tuple("first start, fresh PostgreSQL data directory: all five healthy", "60.00 s", "-", ""));
    }

    @Test
    void aloneFiguresMissWhenTheirMedianIsAboveThreeSecondsAndAreNotApplicableWhenUnmeasured() {
        FootprintResults results = results();
        results.alone.put("deploy-service", List.of(alone(2.0, 2.5), alone(2.9, 3.5), alone(2.1, 2.6)));
        results.alone.put("monitor-service", List.of(alone(3.2, 3.4), alone(3.1, 3.3), alone(2.0, 2.2)));
        results.alone.put("notify-service", List.of(alone(null, 2.0)));

        assertThat(FootprintReport.rows(results)).extracting(FootprintReport.Row::figure, FootprintReport.Row::measured,
                FootprintReport.Row::verdict).containsExactly(
                tuple("deploy-service alone: process start → \"started in\"", "2.10 s / 2.90 s", "PASS"),
                tuple("deploy-service alone: process start → first ready", "2.60 s / 3.50 s", "PASS"),
                tuple("monitor-service alone: process start → \"started in\"", "3.10 s / 3.20 s", "MISS"),
                tuple("monitor-service alone: process start → first ready", "3.30 s / 3.40 s", "MISS"),
                tuple("notify-service alone: process start → \"started in\"", "n/a", "n/a"),
                tuple("notify-service alone: process start → first ready", "2.00 s", "PASS"));
    }

    @Test
    void memoryRowsJudgeEachServiceRssAndTheStackPss() {
        FootprintResults results = results();
        Map<String, ProcFiles.Memory> services = new LinkedHashMap<>();
        services.put("deploy-service", new ProcFiles.Memory(180 * MIB, 150 * MIB));
        services.put("monitor-service", new ProcFiles.Memory(260 * MIB, 230 * MIB));
        results.memory = new FootprintResults.MemoryFigures(services, new ProcFiles.Memory(400 * MIB, 380 * MIB),
                new ProcFiles.Memory(900 * MIB, 120 * MIB), 12);

        assertThat(FootprintReport.rows(results)).extracting(FootprintReport.Row::figure, FootprintReport.Row::measured,
                FootprintReport.Row::target, FootprintReport.Row::verdict).containsExactly(
                tuple("deploy-service RSS after the demo", "180 MB (PSS 150 MB)", "≤ 200 MB", "PASS"),
                tuple("monitor-service RSS after the demo", "260 MB (PSS 230 MB)", "≤ 200 MB", "MISS"),
                tuple("infra JVM (Kafka broker) RSS / PSS", "400 MB / 380 MB", "-", ""),
                tuple("PostgreSQL PSS (12 processes)", "120 MB", "-", ""),
                tuple("whole stack PSS (15 processes)", "880 MB", "≤ 1536 MB", "PASS"),
                tuple("  whole stack RSS summed (reference only, see PSS note)", "1740 MB", "-", ""));
        assertThat(FootprintReport.mb(MIB / 2)).isEqualTo("0.5 MB");
    }

    @Test
    void theTableMarkdownAndJsonCarryTheFiguresTheMachineAndTheNotes() throws Exception {
        FootprintResults results = results();
        results.together.add(round(1, false, 20.0));
        results.alone.put("deploy-service", List.of(alone(2.0, 2.5)));
        results.commandLines.put("deploy-service", "/usr/bin/java -Dlifeguard.launcher.home=/h -XX:TieredStopAtLevel=1"
                + " -jar deploy-service/target/quarkus-app/quarkus-run.jar");
        results.demoSummary = "finished in 40.0 s";
        results.loadAtEnd = "1.50 1.00 0.50";
        List<FootprintReport.Row> rows = FootprintReport.rows(results);

        String table = FootprintReport.table(rows);
        assertThat(table.lines().toList()).hasSize(rows.size() + 1);
        assertThat(table).contains("measured (median / max)").contains("all five healthy").contains("PASS");

        String markdown = FootprintReport.markdown(results, rows);
        assertThat(markdown).contains("2 cores, 3.8 GiB memory", "`-XX:TieredStopAtLevel=1`",
                "| all five healthy, from the start call (together) | 20.00 s | ≤ 30 s | PASS |",
                "-XX:TieredStopAtLevel=1 -jar deploy-service", "MB = MiB = 1024 × 1024 bytes", "PSS (proportional",
                "Demo: finished in 40.0 s", "- deploy-service: 2.00 s / 2.50 s (2.100 s)");

        JsonNode json = new ObjectMapper().readTree(FootprintReport.json(results, rows));
        assertThat(json.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(json.path("figures").get(0).path("verdict").asText()).isEqualTo("PASS");
        assertThat(json.path("together").get(0).path("allReadySeconds").asDouble()).isEqualTo(20.0);
        assertThat(json.path("alone").path("deploy-service").get(0).path("processStartToReadySeconds").asDouble())
                .isEqualTo(2.5);
        assertThat(json.path("commandLines").path("deploy-service").asText()).contains("quarkus-run.jar");
        assertThat(json.path("notes").toString()).contains("MiB");
    }

    private static FootprintResults results() {
        return new FootprintResults(new FootprintResults.Machine(2, "3.8 GiB", "OpenJDK 17", "Linux", "2026-12-03T15:00Z",
                "0.50 0.40 0.30", 3, "-XX:TieredStopAtLevel=1"));
    }

    /** A round whose infra is ready after 5 s and whose services are ready 1 s apart, the last after {@code all}. */
    private static FootprintResults.TogetherRound round(int number, boolean fresh, double all) {
        List<StartTiming> services = new ArrayList<>();
        List<String> components = List.of("deploy-service", "monitor-service");
        for (int i = 0; i < components.size(); i++) {
            Instant ready = at(all - (components.size() - 1 - i));
            services.add(new StartTiming(components.get(i), 100 + i, T0, at(5.0), at(all - 2), true, 1.0, ready));
        }
        return new FootprintResults.TogetherRound(number, fresh, T0, new InfraWatcher.Timing(at(4.0), at(5.0)),
                at(all + 0.2), services);
    }

    private static StartTiming alone(Double started, double ready) {
        return new StartTiming("deploy-service", 100, T0, T0, started == null ? null : at(started), started != null,
                started == null ? null : started + 0.1, at(ready));
    }

    private static Instant at(double seconds) {
        return T0.plusNanos(Math.round(seconds * 1e9));
    }
}
