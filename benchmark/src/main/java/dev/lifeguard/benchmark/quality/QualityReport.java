package dev.lifeguard.benchmark.quality;

import java.util.List;
import java.util.Locale;

/**
 * What the P2 detection-quality benchmark measured: plain records, for the caller to print or write as JSON or
 * Markdown.
 *
 * @param seed        the corpus seed
 * @param deployments how many deployments the corpus held
 * @param settings    how the engine was simulated and how each detector was configured
 * @param scenarios   one row per detector and scenario
 * @param detectors   one summary per detector
 * @param targets     the targets checked against the measurements
 */
public record QualityReport(long seed, int deployments, Settings settings, List<ScenarioResult> scenarios,
                            List<DetectorSummary> detectors, List<TargetCheck> targets) {

    public record Settings(long intervalMinutes, int minSamples, int baselineSamples, String sampling,
                           List<String> detectorSpecs) {
    }

    /**
     * @param detectionRate          anomalous: share failed at or after the regression began; null for healthy scenarios
     * @param falseAlarms            failures on healthy data (healthy scenarios, or before a step's onset)
     * @param healthyMetricDays      minutes of healthy data this scenario had analysed / 1440
     * @param inconclusiveRate       share ending INCONCLUSIVE
     * @param medianSamplesToDetect  median new-version samples from the regression's onset to the failure; null if none
     */
    public record ScenarioResult(String detector, String scenario, boolean anomalous, int deployments, Double detectionRate,
                                 int falseAlarms, double healthyMetricDays, double inconclusiveRate,
                                 Double medianSamplesToDetect) {

        public double falseAlarmsPerMetricDay() {
            return healthyMetricDays == 0 ? 0 : falseAlarms / healthyMetricDays;
        }
    }

    /**
     * @param healthyMetricDays       minutes of healthy data analysed (one sample a minute) / 1440
     * @param falseAlarmsPerMetricDay falseAlarms / healthyMetricDays
     * @param detectionRate           over all anomalous deployments
     * @param maxMemoryEntries        the largest detector memory seen (bounded state check)
     */
    public record DetectorSummary(String detector, int falseAlarms, double healthyMetricDays, double falseAlarmsPerMetricDay,
                                  double detectionRate, double inconclusiveRate, int maxMemoryEntries) {
    }

    public record TargetCheck(String detector, String target, String measured, boolean met) {
    }

    /** A fixed-width table for a terminal. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "P2 detection quality: seed %d, %d deployments, %s, interval %d min, "
                        + "minSamples %d, baseline %d samples%n", seed, deployments, settings.sampling(), settings.intervalMinutes(),
                settings.minSamples(), settings.baselineSamples()));
        for (DetectorSummary detector : detectors) {
            out.append(System.lineSeparator());
            out.append(settings.detectorSpecs().stream().filter(s -> s.startsWith(detector.detector() + " "))
                    .findFirst().orElse(detector.detector())).append(System.lineSeparator());
            out.append(String.format(Locale.ROOT, "  %-16s %5s %9s %7s %7s %9s %7s%n", "scenario", "n", "detected",
                    "median", "false", "FA per", "inconcl"));
            out.append(String.format(Locale.ROOT, "  %-16s %5s %9s %7s %7s %9s %7s%n", "", "", "", "samples", "alarms",
                    "metric-day", ""));
            for (ScenarioResult row : scenarios) {
                if (!row.detector().equals(detector.detector())) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "  %-16s %5d %9s %7s %7s %9s %7s%n", row.scenario(), row.deployments(),
                        row.detectionRate() == null ? "-" : percent(row.detectionRate()),
                        row.medianSamplesToDetect() == null ? "-" : String.format(Locale.ROOT, "%.1f", row.medianSamplesToDetect()),
                        row.anomalous() && row.falseAlarms() == 0 ? "-" : Integer.toString(row.falseAlarms()),
                        row.healthyMetricDays() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.falseAlarmsPerMetricDay()),
                        percent(row.inconclusiveRate())));
            }
            out.append(String.format(Locale.ROOT, "  false alarms per metric-day: %.2f (%d over %.2f metric-days of healthy data);"
                            + " detection rate over anomalous: %s; inconclusive: %s; max memory entries: %d%n",
                    detector.falseAlarmsPerMetricDay(), detector.falseAlarms(), detector.healthyMetricDays(),
                    percent(detector.detectionRate()), percent(detector.inconclusiveRate()), detector.maxMemoryEntries()));
        }
        out.append(System.lineSeparator()).append("Targets").append(System.lineSeparator());
        for (TargetCheck target : targets) {
            out.append(String.format(Locale.ROOT, "  %-10s %-44s %-28s %s%n", target.detector(), target.target(), target.measured(),
                    target.met() ? "met" : "MISSED"));
        }
        return out.toString();
    }

    /** The same as GitHub-flavoured Markdown. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Seed %d, %d deployments, %s, interval %d min, minSamples %d, baseline %d samples.%n%n",
                seed, deployments, settings.sampling(), settings.intervalMinutes(), settings.minSamples(), settings.baselineSamples()));
        out.append("| detector | scenario | n | detected | median samples to detect | false alarms | false alarms / metric-day | inconclusive |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (ScenarioResult row : scenarios) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s |%n", row.detector(), row.scenario(),
                    row.deployments(), row.detectionRate() == null ? "-" : percent(row.detectionRate()),
                    row.medianSamplesToDetect() == null ? "-" : String.format(Locale.ROOT, "%.1f", row.medianSamplesToDetect()),
                    row.anomalous() && row.falseAlarms() == 0 ? "-" : Integer.toString(row.falseAlarms()),
                    row.healthyMetricDays() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.falseAlarmsPerMetricDay()),
                    percent(row.inconclusiveRate())));
        }
        out.append("\n| detector | false alarms / metric-day | detection rate (anomalous) | inconclusive | max memory entries |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (DetectorSummary d : detectors) {
            out.append(String.format(Locale.ROOT, "| %s | %.2f (%d / %.2f days) | %s | %s | %d |%n", d.detector(),
                    d.falseAlarmsPerMetricDay(), d.falseAlarms(), d.healthyMetricDays(), percent(d.detectionRate()),
                    percent(d.inconclusiveRate()), d.maxMemoryEntries()));
        }
        out.append("\n| detector | target | measured | |\n|---|---|---|---|\n");
        for (TargetCheck t : targets) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.detector(), t.target(), t.measured(),
                    t.met() ? "met" : "missed"));
        }
        return out.toString();
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }
}
