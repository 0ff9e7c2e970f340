package dev.lifeguard.benchmark.quality;

import dev.lifeguard.benchmark.quality.QualityReport.ScenarioResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A small corpus through the whole benchmark: structure and the obvious cases, not the figures of the full run. */
class DetectionQualityBenchmarkTest {

    /** Five of each scenario (the mix cycles every 18 deployments). */
    private static final int DEPLOYMENTS = 5 * Scenario.MIX.length;

    private static QualityReport report;

    @BeforeAll
    static void runSmallCorpus() {
        report = DetectionQualityBenchmark.run(42, DEPLOYMENTS);
    }

    private static ScenarioResult row(String detector, Scenario scenario) {
        return report.scenarios().stream()
                .filter(r -> r.detector().equals(detector) && r.scenario().equals(scenario.label()))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + detector + " / " + scenario));
    }

    @Test
    void reportsEveryScenarioForEveryDetector() {
        assertThat(report.detectors()).extracting(QualityReport.DetectorSummary::detector)
                .contains("threshold", "canary", "cusum");
        for (QualityReport.DetectorSummary detector : report.detectors()) {
            assertThat(Arrays.stream(Scenario.values()).map(s -> row(detector.detector(), s))).allSatisfy(row -> {
                assertThat(row.deployments()).isPositive();
                assertThat(row.detectionRate() != null).isEqualTo(row.anomalous());
            });
            assertThat(detector.healthyMetricDays()).isPositive();
        }
        assertThat(report.scenarios().stream().mapToInt(ScenarioResult::deployments).sum())
                .isEqualTo(DEPLOYMENTS * report.detectors().size());
        assertThat(report.targets()).isNotEmpty();
        assertThat(report.table()).contains("Targets").contains("shift ×5");
        assertThat(report.markdown()).contains("| cusum | shift ×5 |");
    }

    @Test
    void aFiveFoldShiftIsFoundByTheThresholdAndCusumWithinAFewSamples() {
        for (String detector : new String[] {"threshold", "cusum"}) {
            ScenarioResult fiveFold = row(detector, Scenario.SHIFT_FIVE_TIMES);
            assertThat(fiveFold.detectionRate()).as(detector).isEqualTo(1.0);
            assertThat(fiveFold.medianSamplesToDetect()).as(detector).isLessThanOrEqualTo(3);
        }
        assertThat(row("canary", Scenario.SHIFT_FIVE_TIMES).detectionRate()).isEqualTo(1.0);
    }

    @Test
    void healthyDeploymentsMostlyPass() {
        for (QualityReport.DetectorSummary detector : report.detectors()) {
            ScenarioResult healthy = row(detector.detector(), Scenario.HEALTHY);
            assertThat(healthy.falseAlarms()).as(detector.detector()).isLessThanOrEqualTo(healthy.deployments() / 5);
            assertThat(healthy.inconclusiveRate()).as(detector.detector()).isZero();
        }
    }

    @Test
    void tooFewSamplesAndAShortBaselineAreInconclusive() {
        for (QualityReport.DetectorSummary detector : report.detectors()) {
            ScenarioResult tooFew = row(detector.detector(), Scenario.TOO_FEW_SAMPLES);
            assertThat(tooFew.inconclusiveRate() + (double) tooFew.falseAlarms() / tooFew.deployments())
                    .as(detector.detector()).isEqualTo(1.0);
        }
        assertThat(row("cusum", Scenario.SHORT_BASELINE).inconclusiveRate()).isEqualTo(1.0);
    }

    @Test
    void theDetectorsKeepBoundedMemory() {
        // threshold 3, cusum 5, canary one entry per interval of a 60-minute window plus 2
        assertThat(report.detectors()).allSatisfy(d -> assertThat(d.maxMemoryEntries()).isBetween(1, 62));
    }

    @Test
    void theSameSeedGivesTheSameReport() {
        assertThat(DetectionQualityBenchmark.run(42, DEPLOYMENTS)).isEqualTo(report);
        assertThat(DetectionQualityBenchmark.run(43, DEPLOYMENTS)).isNotEqualTo(report);
    }
}
