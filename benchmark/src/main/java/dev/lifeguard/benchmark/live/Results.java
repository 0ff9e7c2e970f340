package dev.lifeguard.benchmark.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every figure the benchmark measured, printed as a table row the moment it is known and written at the end to
 * {@code results.json} and {@code results.md}, with the machine it ran on and the settings of the run.
 */
final class Results {

    /**
     * @param id     P1, P2, P3 or P6
     * @param met    null when the figure has no target (context for the others)
     */
    record Figure(String id, String name, String target, String value, Double number, String unit, Boolean met) {
    }

    static final String ROW = "%-3s %-68s %-22s %-36s %s%n";

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final List<Figure> figures = new ArrayList<>();
    private final ObjectNode settings = json.createObjectNode();
    private final List<String> notes = new ArrayList<>();
    private final PrintStream out;
    private final Machine machine;
    private String p2Markdown;
    private boolean headerPrinted;

    Results(PrintStream out, Machine machine) {
        this.out = out;
        this.machine = machine;
    }

    ObjectNode settings() {
        return settings;
    }

    void note(String note) {
        notes.add(note);
    }

    void p2Markdown(String markdown) {
        this.p2Markdown = markdown;
    }

    synchronized void add(Figure figure) {
        if (!headerPrinted) {
            out.printf(Locale.ROOT, ROW, "", "figure", "target", "measured", "");
            headerPrinted = true;
        }
        figures.add(figure);
        out.printf(Locale.ROOT, ROW, figure.id(), figure.name(), figure.target(), figure.value(), verdict(figure));
    }

    void latency(String id, String name, Histogram histogram, Double p99TargetMillis) {
        String value = histogram.getTotalCount() == 0 ? "no samples" : String.format(Locale.ROOT,
                "p50 %d / p90 %d / p99 %d ms (n=%d, max %d)", histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99), histogram.getTotalCount(),
                histogram.getMaxValue());
        double p99 = histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(99);
        add(new Figure(id, name, p99TargetMillis == null ? "-" : String.format(Locale.ROOT, "p99 < %.0f ms", p99TargetMillis),
                value, p99, "ms (p99)", p99TargetMillis == null ? null : histogram.getTotalCount() > 0 && p99 < p99TargetMillis));
        ObjectNode detail = settings.with("latencies").putObject(id + " " + name);
        detail.put("count", histogram.getTotalCount());
        if (histogram.getTotalCount() > 0) {
            detail.put("p50", histogram.getValueAtPercentile(50)).put("p90", histogram.getValueAtPercentile(90))
                    .put("p99", histogram.getValueAtPercentile(99)).put("max", histogram.getMaxValue())
                    .put("mean", histogram.getMean());
        }
    }

    List<Figure> figures() {
        return List.copyOf(figures);
    }

    private static String verdict(Figure figure) {
        return figure.met() == null ? "" : figure.met() ? "met" : "MISSED";
    }

    String table() {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, ROW, "", "figure", "target", "measured", ""));
        for (Figure figure : figures) {
            table.append(String.format(Locale.ROOT, ROW, figure.id(), figure.name(), figure.target(), figure.value(),
                    verdict(figure)));
        }
        return table.toString();
    }

    void write(Path directory) {
        try {
            Files.createDirectories(directory);
            ObjectNode root = json.createObjectNode();
            root.set("machine", json.valueToTree(machine));
            root.set("settings", settings);
            ArrayNode rows = root.putArray("figures");
            for (Figure figure : figures) {
                ObjectNode row = rows.addObject();
                row.put("id", figure.id()).put("figure", figure.name()).put("target", figure.target())
                        .put("measured", figure.value()).put("unit", figure.unit());
                if (figure.number() != null && Double.isFinite(figure.number())) {
                    row.put("value", figure.number());
                } else {
                    row.putNull("value");
                }
                if (figure.met() == null) {
                    row.putNull("met");
                } else {
                    row.put("met", figure.met());
                }
            }
            ArrayNode noteArray = root.putArray("notes");
            notes.forEach(noteArray::add);
            json.writeValue(directory.resolve("results.json").toFile(), root);
            Files.writeString(directory.resolve("results.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the results to " + directory, e);
        }
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Lifeguard benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %d cores, %s memory, %s, %s; run %s (%s); load average at the"
                        + " start %s.%n%n", machine.cores(), machine.memory(), machine.jdk(), machine.os(), machine.date(),
                machine.mode(), machine.loadAtStart()));
        md.append("| | figure | target | measured | |\n|---|---|---|---|---|\n");
        for (Figure figure : figures) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", figure.id(), figure.name(),
                    figure.target(), figure.value(), figure.met() == null ? "" : figure.met() ? "met" : "missed"));
        }
        if (!notes.isEmpty()) {
            md.append("\nNotes:\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        if (p2Markdown != null) {
            md.append("\n## P2 detection quality in detail\n\n").append(p2Markdown);
        }
        return md.toString();
    }

    /** What the figures were measured on. */
    record Machine(int cores, String memory, String jdk, String os, String date, String mode, String loadAtStart) {
    }
}
