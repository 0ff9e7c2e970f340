package dev.lifeguard.reliability.report;

import dev.lifeguard.reliability.fault.FaultLog;
import dev.lifeguard.reliability.verify.Check;
import dev.lifeguard.reliability.workload.Inputs;

import java.time.Duration;
import java.util.List;

/** The texts a chaos run ends with: the checks as a table, the fault log, and the input counts. */
public final class ResultTable {

    private static final int NAME_WIDTH = 70;
    private static final int EXPECTED_WIDTH = 30;
    private static final int ACTUAL_WIDTH = 40;

    private ResultTable() {
    }

    /** CHECK | EXPECTED | ACTUAL | RESULT, and below each failed (or informative) row its first offenders. */
    public static String checks(List<Check> checks) {
        StringBuilder text = new StringBuilder();
        String format = "%-" + NAME_WIDTH + "s  %-" + EXPECTED_WIDTH + "s  %-" + ACTUAL_WIDTH + "s  %s%n";
        text.append(String.format(format, "CHECK", "EXPECTED", "ACTUAL", "RESULT"));
        text.append("-".repeat(NAME_WIDTH + EXPECTED_WIDTH + ACTUAL_WIDTH + 12)).append('\n');
        for (Check check : checks) {
            text.append(String.format(format, cut(check.name(), NAME_WIDTH), cut(check.expected(), EXPECTED_WIDTH),
                    cut(check.actual(), ACTUAL_WIDTH), label(check.result())));
            if (check.result() != Check.Result.PASS) {
                for (String detail : check.details()) {
                    text.append("      ↳ ").append(detail).append('\n');
                }
            }
        }
        long failed = checks.stream().filter(Check::failed).count();
        text.append(failed == 0 ? "All " + checks.stream().filter(check -> check.result() == Check.Result.PASS).count()
                + " checks passed.\n" : failed + " of " + checks.size() + " checks FAILED.\n");
        return text.toString();
    }

    /** One line per fault: when (since the window opened), what, on what, and how long recovery took. */
    public static String faults(List<FaultLog.Entry> entries) {
        StringBuilder text = new StringBuilder(String.format("%-9s  %-18s  %-20s  %-12s  %s%n", "AT", "FAULT", "ON",
                "RECOVERED", "DETAIL"));
        for (FaultLog.Entry entry : entries) {
            text.append(String.format("%-9s  %-18s  %-20s  %-12s  %s%n", "+" + seconds(entry.at()),
                    entry.kind().label(), entry.subject(), entry.took() == null ? "-" : "in " + seconds(entry.took()),
                    entry.detail()));
        }
        return text.toString();
    }

    public static String inputs(Inputs.Counts counts, int restRetries, int kafkaRetries, int webhookPosts) {
        return String.format("""
                        targets               %d (%d done, %d abandoned)
                        v1 over REST          %d acknowledged
                        v2 CI events (Kafka)  %d acknowledged
                        samples               %d acknowledged (%d REST, %d Kafka) of %d sent
                        malformed records     %d acknowledged, %d not
                        inputs acknowledged   %d (retries: %d REST, %d Kafka)
                        webhook POSTs         %d
                        """, counts.targets(), counts.done(), counts.abandoned(), counts.stableReported(),
                counts.ciAcked(), counts.samplesAcked(), counts.samplesAckedRest(), counts.samplesAckedKafka(),
                counts.samplesSent(), counts.malformedAcked(), counts.malformedUnacked(), counts.inputsAcked(),
                restRetries, kafkaRetries, webhookPosts);
    }

    static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    private static String label(Check.Result result) {
        return switch (result) {
            case PASS -> "pass";
            case FAIL -> "FAIL";
            case INFO -> "info";
        };
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
