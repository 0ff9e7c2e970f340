package dev.lifeguard.benchmark.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The footprint run's figures as the final table (figure, measured median / max, target, PASS or MISS), as
 * {@code footprint.md} and as {@code footprint.json}. Timings are judged on their median: the machine is shared and
 * one slow round is noise; the max is shown beside it.
 */
final class FootprintReport {

    static final String MIB_NOTE = "MB = MiB = 1024 × 1024 bytes.";
    static final String PSS_NOTE = "PSS (proportional set size) divides each shared page among the processes mapping"
            + " it, so the PSS of all processes adds up to the memory they use together. RSS counts a shared page in"
            + " full in every process: PostgreSQL's shared buffers are counted once per backend, so a sum of RSS over"
            + " PostgreSQL's processes (or the whole stack) overstates it and is shown for reference only.";
    static final String TIMING_NOTE = "Process start: /proc/<pid>/stat (10 ms resolution) placed on the wall clock"
            + " with /proc/uptime. \"started in\": the timestamp of Quarkus' \"started in … Listening on\" log line"
            + " (1 ms, the machine's time zone). Ready: the first GET /q/health/ready answered 200 with"
            + " \"status\":\"UP\", polled every 25 ms from the moment the instance's pid file appears. Together: from"
            + " the Platform.start call, as ./lifeguard up makes it (the script and the launcher JVM's own start, about"
            + " a second, come before).";

    /**
     * One row of the table.
     *
     * @param verdict PASS, MISS, n/a (a target, but nothing measured) or empty (no target: context)
     */
    record Row(String figure, String measured, String target, String verdict) {
    }

    private static final String ROW = "%-64s %-26s %-9s %s%n";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FootprintReport() {
    }

    static List<Row> rows(FootprintResults results) {
        List<Row> rows = new ArrayList<>();
        List<FootprintResults.TogetherRound> counted = results.countedTogether();
        if (!counted.isEmpty()) {
            rows.add(timing("all five healthy, from the start call (together)", values(counted,
                    FootprintResults.TogetherRound::allReady), FootprintResults.TOGETHER_TARGET_SECONDS));
            rows.add(timing("  infra ready (PostgreSQL + Kafka)", values(counted,
                    FootprintResults.TogetherRound::infraReady), null));
            for (String component : components(counted)) {
                rows.add(timing("  " + component + ": process start → \"started in\" (together)",
                        serviceValues(counted, component, StartTiming::toStarted), null));
                rows.add(timing("  " + component + ": process start → ready (together)",
                        serviceValues(counted, component, StartTiming::toReady), null));
            }
        }
        results.together.stream().filter(FootprintResults.TogetherRound::fresh).findFirst().ifPresent(fresh ->
                rows.add(timing("first start, fresh PostgreSQL data directory: all five healthy",
                        fresh.allReady().map(List::of).orElse(List.of()), null)));
        results.alone.forEach((component, starts) -> {
            rows.add(timing(component + " alone: process start → \"started in\"",
                    starts.stream().map(StartTiming::toStarted).flatMap(Optional::stream).toList(),
                    FootprintResults.ALONE_TARGET_SECONDS));
            rows.add(timing(component + " alone: process start → first ready",
                    starts.stream().map(StartTiming::toReady).flatMap(Optional::stream).toList(),
                    FootprintResults.ALONE_TARGET_SECONDS));
        });
        FootprintResults.MemoryFigures memory = results.memory;
        if (memory != null) {
            memory.services().forEach((component, usage) -> rows.add(new Row(component + " RSS after the demo",
                    mb(usage.rssBytes()) + " (PSS " + mb(usage.pssBytes()) + ")",
                    "≤ " + mb(FootprintResults.SERVICE_RSS_TARGET_BYTES),
                    verdict(usage.rssBytes() <= FootprintResults.SERVICE_RSS_TARGET_BYTES))));
            rows.add(new Row("infra JVM (Kafka broker) RSS / PSS", mb(memory.infra().rssBytes()) + " / "
                    + mb(memory.infra().pssBytes()), "-", ""));
            rows.add(new Row("PostgreSQL PSS (" + memory.postgresProcesses() + " processes)",
                    mb(memory.postgres().pssBytes()), "-", ""));
            ProcFiles.Memory stack = memory.stack();
            rows.add(new Row("whole stack PSS (" + memory.processes() + " processes)", mb(stack.pssBytes()),
                    "≤ " + mb(FootprintResults.STACK_TARGET_BYTES),
                    verdict(stack.pssBytes() <= FootprintResults.STACK_TARGET_BYTES)));
            rows.add(new Row("  whole stack RSS summed (reference only, see PSS note)", mb(stack.rssBytes()), "-", ""));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, ROW, "figure", "measured (median / max)",
                "target", ""));
        rows.forEach(row -> table.append(String.format(Locale.ROOT, ROW, row.figure(), row.measured(), row.target(),
                row.verdict())));
        return table.toString();
    }

    static String markdown(FootprintResults results, List<Row> rows) {
        FootprintResults.Machine machine = results.machine;
        StringBuilder md = new StringBuilder("# Lifeguard footprint\n\n");
        md.append(String.format(Locale.ROOT, "%s; %d cores, %s memory, %s, %s; load average at the start %s, at the"
                        + " end %s; %d round(s) per start figure.%n%n", machine.date(), machine.cores(), machine.memory(),
                machine.jdk(), machine.os(), machine.loadAtStart(), results.loadAtEnd == null ? "unknown" : results.loadAtEnd,
                machine.rounds()));
        md.append("LIFEGUARD_JAVA_OPTS: ").append(machine.javaOptions().isEmpty() ? "(not set)"
                : "`" + machine.javaOptions() + "`").append("\n\n");
        md.append("| figure | measured (median / max) | target | |\n|---|---|---|---|\n");
        rows.forEach(row -> md.append("| ").append(row.figure().trim().replace("|", "\\|")).append(" | ")
                .append(row.measured()).append(" | ").append(row.target()).append(" | ").append(row.verdict())
                .append(" |\n"));
        if (!results.together.isEmpty()) {
            md.append("\n## Together, round by round (seconds from the start call)\n\n| round | infra ready | ");
            List<String> components = components(results.together);
            components.forEach(component -> md.append(component).append(" ready | "));
            md.append("all five | start returned |\n|---|---|");
            components.forEach(component -> md.append("---|"));
            md.append("---|---|\n");
            for (FootprintResults.TogetherRound round : results.together) {
                md.append("| ").append(round.number()).append(round.fresh() ? " (fresh)" : "").append(" | ")
                        .append(seconds(round.infraReady())).append(" | ");
                for (String component : components) {
                    md.append(seconds(round.services().stream().filter(s -> s.component().equals(component))
                            .findFirst().flatMap(StartTiming::callToReady))).append(" | ");
                }
                md.append(seconds(round.allReady())).append(" | ").append(seconds(round.launcherReturned()))
                        .append(" |\n");
            }
        }
        if (!results.alone.isEmpty()) {
            md.append("\n## Alone, round by round (seconds from process start: \"started in\" / ready; Quarkus'"
                    + " own figure)\n\n");
            results.alone.forEach((component, starts) -> {
                md.append("- ").append(component).append(": ");
                List<String> parts = new ArrayList<>();
                for (StartTiming start : starts) {
                    parts.add(seconds(start.toStarted()) + " / " + seconds(start.toReady()) + " ("
                            + (start.quarkusSeconds() == null ? "n/a" : String.format(Locale.ROOT, "%.3f s",
                            start.quarkusSeconds())) + (start.started() != null && !start.startedFromTimestamp()
                            ? ", line time as first read" : "") + ")");
                }
                md.append(String.join("; ", parts)).append("\n");
            });
        }
        if (results.demoSummary != null) {
            md.append("\nDemo: ").append(results.demoSummary).append("\n");
        }
        if (!results.commandLines.isEmpty()) {
            md.append("\n## Service command lines (from /proc/<pid>/cmdline)\n\n");
            results.commandLines.forEach((component, line) -> md.append("- ").append(component).append(": `")
                    .append(line).append("`\n"));
        }
        md.append("\n## Notes\n\n");
        for (String note : notes(results)) {
            md.append("- ").append(note).append("\n");
        }
        return md.toString();
    }

    static List<String> notes(FootprintResults results) {
        List<String> notes = new ArrayList<>(List.of(MIB_NOTE, PSS_NOTE, TIMING_NOTE,
                "Start timings are judged on their median over the rounds, the max shown beside it; the first start of"
                        + " the run (fresh PostgreSQL data directory: initdb, the databases, every migration) is"
                        + " reported apart and not in the medians."));
        notes.addAll(results.notes);
        return notes;
    }

    static String json(FootprintResults results, List<Row> rows) {
        ObjectNode root = JSON.createObjectNode();
        root.set("machine", JSON.valueToTree(results.machine));
        root.put("loadAtEnd", results.loadAtEnd);
        ArrayNode figures = root.putArray("figures");
        rows.forEach(row -> figures.addObject().put("figure", row.figure().trim()).put("measured", row.measured())
                .put("target", row.target()).put("verdict", row.verdict()));
        ArrayNode together = root.putArray("together");
        for (FootprintResults.TogetherRound round : results.together) {
            ObjectNode node = together.addObject().put("round", round.number()).put("fresh", round.fresh());
            putSeconds(node, "infraReadySeconds", round.infraReady());
            putSeconds(node, "allReadySeconds", round.allReady());
            putSeconds(node, "startReturnedSeconds", round.launcherReturned());
            ArrayNode services = node.putArray("services");
            round.services().forEach(service -> services.add(timing(service)));
        }
        ObjectNode alone = root.putObject("alone");
        results.alone.forEach((component, starts) -> {
            ArrayNode array = alone.putArray(component);
            starts.forEach(start -> array.add(timing(start)));
        });
        if (results.memory != null) {
            ObjectNode memory = root.putObject("memoryAfterDemoBytes");
            ObjectNode services = memory.putObject("services");
            results.memory.services().forEach((component, usage) -> services.set(component, memory(usage)));
            memory.set("infra", memory(results.memory.infra()));
            memory.set("postgres", memory(results.memory.postgres()).put("processes",
                    results.memory.postgresProcesses()));
            memory.set("stack", memory(results.memory.stack()).put("processes", results.memory.processes()));
        }
        root.put("demo", results.demoSummary);
        root.set("commandLines", JSON.valueToTree(results.commandLines));
        root.set("notes", JSON.valueToTree(notes(results)));
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the footprint as JSON", e);
        }
    }

    /** {@code 2.41 s / 2.80 s}; one value alone when there is one round. */
    static String summary(List<Double> values) {
        return Summary.of(values).map(summary -> summary.count() == 1 ? seconds(summary.median())
                : seconds(summary.median()) + " / " + seconds(summary.max())).orElse("n/a");
    }

    /** Whole MiB, with one decimal below 100. */
    static String mb(long bytes) {
        double mib = bytes / (1024.0 * 1024.0);
        return mib < 100 ? String.format(Locale.ROOT, "%.1f MB", mib) : String.format(Locale.ROOT, "%.0f MB", mib);
    }

    private static Row timing(String figure, List<Double> values, Double targetSeconds) {
        if (targetSeconds == null) {
            return new Row(figure, summary(values), "-", "");
        }
        Optional<Summary> summary = Summary.of(values);
        return new Row(figure, summary(values), "≤ " + seconds(targetSeconds).replace(".00", ""),
                summary.map(s -> verdict(s.median() <= targetSeconds)).orElse("n/a"));
    }

    private static String verdict(boolean met) {
        return met ? "PASS" : "MISS";
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static String seconds(Optional<Double> seconds) {
        return seconds.map(FootprintReport::seconds).orElse("n/a");
    }

    private static List<Double> values(List<FootprintResults.TogetherRound> rounds,
                                       Function<FootprintResults.TogetherRound, Optional<Double>> figure) {
        return rounds.stream().map(figure).flatMap(Optional::stream).toList();
    }

    private static List<Double> serviceValues(List<FootprintResults.TogetherRound> rounds, String component,
                                              Function<StartTiming, Optional<Double>> figure) {
        return rounds.stream().flatMap(round -> round.services().stream())
                .filter(service -> service.component().equals(component))
                .map(figure).flatMap(Optional::stream).toList();
    }

    private static List<String> components(List<FootprintResults.TogetherRound> rounds) {
        Map<String, Boolean> components = new LinkedHashMap<>();
        rounds.forEach(round -> round.services().forEach(service -> components.put(service.component(), true)));
        return List.copyOf(components.keySet());
    }

    private static ObjectNode timing(StartTiming start) {
        ObjectNode node = JSON.createObjectNode().put("component", start.component()).put("pid", start.pid());
        putInstant(node, "processStart", start.processStart());
        putInstant(node, "started", start.started());
        node.put("startedFromLogTimestamp", start.startedFromTimestamp());
        if (start.quarkusSeconds() != null) {
            node.put("quarkusReportedSeconds", start.quarkusSeconds());
        }
        putInstant(node, "ready", start.ready());
        putSeconds(node, "processStartToStartedSeconds", start.toStarted());
        putSeconds(node, "processStartToReadySeconds", start.toReady());
        putSeconds(node, "callToReadySeconds", start.callToReady());
        return node;
    }

    private static ObjectNode memory(ProcFiles.Memory usage) {
        return JSON.createObjectNode().put("rss", usage.rssBytes()).put("pss", usage.pssBytes());
    }

    private static void putInstant(ObjectNode node, String field, Instant instant) {
        if (instant != null) {
            node.put(field, instant.toString());
        }
    }

    private static void putSeconds(ObjectNode node, String field, Optional<Double> seconds) {
        seconds.ifPresent(value -> node.put(field, Math.round(value * 1000) / 1000.0));
    }
}
