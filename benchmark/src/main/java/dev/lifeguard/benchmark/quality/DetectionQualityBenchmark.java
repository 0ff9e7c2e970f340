package dev.lifeguard.benchmark.quality;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.benchmark.quality.EngineReplay.Run;
import dev.lifeguard.benchmark.quality.QualityReport.DetectorSummary;
import dev.lifeguard.benchmark.quality.QualityReport.ScenarioResult;
import dev.lifeguard.benchmark.quality.QualityReport.Settings;
import dev.lifeguard.benchmark.quality.QualityReport.TargetCheck;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.detector.canary.CanaryDetector;
import dev.lifeguard.monitor.detector.cusum.CusumDetector;
import dev.lifeguard.monitor.detector.threshold.ThresholdDetector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * P2: how well the detectors tell a regressed deployment from a healthy one. Replays a seeded, labelled, synthetic
 * corpus ({@link Corpus}) through each detector exactly as the streaming engine would ({@link EngineReplay}) and
 * reports, per detector and scenario, the detection rate, the median samples to detect, false alarms per metric-day
 * of healthy data and the inconclusive rate, against the targets: a 1σ shift found within 10 samples (median) with
 * at most 1 false alarm per metric-day (anchor: CUSUM with k = σ/2, h = 5).
 */
public final class DetectionQualityBenchmark {

    public static final long DEFAULT_SEED = 20261202L;
    public static final int DEFAULT_DEPLOYMENTS = 1_200;
    public static final long INTERVAL_MINUTES = 1;
    public static final int MIN_SAMPLES = 10;
    static final double MINUTES_PER_DAY = 1440;

    private DetectionQualityBenchmark() {
    }

    /** The detectors as specs would configure them: defaults, and a static threshold at the metric's mean + 3σ. */
    private record Configured(String name, Detector detector, String description,
                              Function<SyntheticDeployment, ObjectNode> spec) {
    }

    private static List<Configured> detectors() {
        return List.of(
                new Configured("threshold", new ThresholdDetector(), "threshold (max = nominal mean + 3σ, failureLimit 3)",
                        d -> spec("threshold").put("max", d.nominalMean() + 3 * d.nominalSigma())),
                new Configured("canary", new CanaryDetector(), "canary (defaults: confidence 0.98, tolerance 0.25, increase, minIntervals 3;"
                        + " stable alongside in ~half the deployments, else the baseline)", d -> spec("canary")),
                new Configured("cusum", new CusumDetector(), "cusum (defaults: k 0.5, h 5, clip 3, increase, minBaseline 20)",
                        d -> spec("cusum")),
                // sensitivity, not a default: the smallest h whose in-control ARL (Siegmund, k = 0.5) exceeds 1,440
                // samples, i.e. one false alarm per metric-day at one sample a minute with exactly known μ and σ
                new Configured("cusum-h5.5", new CusumDetector(), "cusum-h5.5 (sensitivity: k 0.5, h 5.5, clip 3; ARL0 ≈ 1,556 > 1,440 unclipped)",
                        d -> spec("cusum").put("h", 5.5)));
    }

    private static ObjectNode spec(String detector) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("metric", "latency_p99");
        spec.put("provider", "synthetic");
        spec.put("detector", detector);
        return spec;
    }

    public static QualityReport run(long seed, int deployments) {
        List<SyntheticDeployment> corpus = Corpus.generate(seed, deployments);
        EngineReplay engine = new EngineReplay(INTERVAL_MINUTES * Corpus.MINUTE, MIN_SAMPLES);
        List<ScenarioResult> rows = new ArrayList<>();
        List<DetectorSummary> summaries = new ArrayList<>();
        List<TargetCheck> targets = new ArrayList<>();
        for (Configured configured : detectors()) {
            String name = configured.name();
            Map<Scenario, List<Run>> runs = new LinkedHashMap<>();
            Arrays.stream(Scenario.values()).forEach(s -> runs.put(s, new ArrayList<>()));
            int maxMemory = 0;
            for (SyntheticDeployment deployment : corpus) {
                Run run = engine.replay(configured.detector(), configured.spec().apply(deployment), deployment);
                runs.get(deployment.scenario()).add(run);
                maxMemory = Math.max(maxMemory, run.maxMemory());
            }
            int falseAlarms = 0;
            double healthyMinutes = 0;
            int anomalous = 0;
            int detected = 0;
            int inconclusive = 0;
            for (Map.Entry<Scenario, List<Run>> entry : runs.entrySet()) {
                Scenario scenario = entry.getKey();
                List<Run> scenarioRuns = entry.getValue();
                if (scenarioRuns.isEmpty()) {
                    continue;
                }
                int scenarioDetected = 0;
                int scenarioFalseAlarms = 0;
                int scenarioInconclusive = 0;
                double scenarioHealthyMinutes = 0;
                List<Integer> delays = new ArrayList<>();
                for (Run run : scenarioRuns) {
                    boolean failed = run.outcome() == Outcome.FAILED;
                    if (run.outcome() == Outcome.INCONCLUSIVE) {
                        scenarioInconclusive++;
                    }
                    if (!scenario.anomalous()) {
                        scenarioHealthyMinutes += run.samples();
                        scenarioFalseAlarms += failed ? 1 : 0;
                    } else {
                        // the minutes before a step are healthy data; a failure among them is a false alarm
                        scenarioHealthyMinutes += run.samplesBeforeOnset();
                        if (failed && run.samples() > run.samplesBeforeOnset()) {
                            scenarioDetected++;
                            delays.add(run.samples() - run.samplesBeforeOnset());
                        } else if (failed) {
                            scenarioFalseAlarms++;
                        }
                    }
                }
                falseAlarms += scenarioFalseAlarms;
                healthyMinutes += scenarioHealthyMinutes;
                inconclusive += scenarioInconclusive;
                if (scenario.anomalous()) {
                    anomalous += scenarioRuns.size();
                    detected += scenarioDetected;
                }
                rows.add(new ScenarioResult(name, scenario.label(), scenario.anomalous(), scenarioRuns.size(),
                        scenario.anomalous() ? (double) scenarioDetected / scenarioRuns.size() : null, scenarioFalseAlarms,
                        scenarioHealthyMinutes / MINUTES_PER_DAY, (double) scenarioInconclusive / scenarioRuns.size(), median(delays)));
            }
            double metricDays = healthyMinutes / MINUTES_PER_DAY;
            double perDay = metricDays == 0 ? 0 : falseAlarms / metricDays;
            summaries.add(new DetectorSummary(name, falseAlarms, metricDays, perDay,
                    anomalous == 0 ? 0 : (double) detected / anomalous, (double) inconclusive / corpus.size(), maxMemory));
            // the median over every +1σ deployment, a missed one counting as never found: a detector that finds
            // 1% of them quickly does not meet the target
            List<Run> oneSigma = runs.get(Scenario.SHIFT_ONE_SIGMA);
            Double median = medianWithMisses(oneSigma);
            double found = oneSigma.isEmpty() ? 0 : oneSigma.stream().filter(DetectionQualityBenchmark::detected).count()
                    / (double) oneSigma.size();
            targets.add(new TargetCheck(name, "1σ shift found in ≤ 10 samples (median)",
                    (median == null ? "median never" : String.format(Locale.ROOT, "median %.1f", median))
                            + String.format(Locale.ROOT, " (%.0f%% found)", 100 * found), median != null && median <= 10));
            targets.add(new TargetCheck(name, "≤ 1 false alarm per metric-day",
                    String.format(Locale.ROOT, "%.2f per metric-day", perDay), perDay <= 1));
        }
        Settings settings = new Settings(INTERVAL_MINUTES, MIN_SAMPLES, Corpus.BASELINE_SAMPLES,
                "1 sample/min, windows of 30 or 60 samples",
                detectors().stream().map(Configured::description).toList());
        return new QualityReport(seed, deployments, settings, rows, summaries, targets);
    }

    private static boolean detected(Run run) {
        return run.outcome() == Outcome.FAILED && run.samples() > run.samplesBeforeOnset();
    }

    /** Median samples to detect where a miss is later than any detection; null when the median deployment was missed. */
    static Double medianWithMisses(List<Run> runs) {
        if (runs.isEmpty()) {
            return null;
        }
        double[] delays = runs.stream().mapToDouble(r -> detected(r) ? r.samples() - r.samplesBeforeOnset() : Double.POSITIVE_INFINITY)
                .sorted().toArray();
        int middle = delays.length / 2;
        double median = delays.length % 2 == 1 ? delays[middle] : (delays[middle - 1] + delays[middle]) / 2;
        return Double.isInfinite(median) ? null : median;
    }

    static Double median(List<Integer> values) {
        if (values.isEmpty()) {
            return null;
        }
        int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /** {@code [seed] [deployments]}: prints the table (and, with a third argument {@code markdown}, Markdown). */
    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_SEED;
        int deployments = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_DEPLOYMENTS;
        QualityReport report = run(seed, deployments);
        System.out.print(report.table());
        if (args.length > 2 && args[2].equals("markdown")) {
            System.out.println();
            System.out.print(report.markdown());
        }
    }
}
