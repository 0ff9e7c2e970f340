package dev.lifeguard.monitor.detector.canary;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.EngineSimulation;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static dev.lifeguard.monitor.detector.EngineSimulation.MINUTE;
import static dev.lifeguard.monitor.detector.EngineSimulation.START;
import static dev.lifeguard.monitor.detector.EngineSimulation.normal;
import static dev.lifeguard.monitor.detector.EngineSimulation.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CanaryDetectorTest {

    /** Five one-minute samples per interval. */
    private static final long INTERVAL = 5 * MINUTE;

    private final CanaryDetector detector = new CanaryDetector();

    private EngineSimulation simulation(String parameters) {
        return new EngineSimulation(detector, "{\"metric\":\"latency_p99\"" + parameters + "}", INTERVAL);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"confidence\":0.3}          | metrics[0].confidence   | confidence' must be between 0.5 and 0.9999, not 0.3",
            "{\"confidence\":1}            | metrics[0].confidence   | between 0.5 and 0.9999",
            "{\"tolerance\":-0.1}          | metrics[0].tolerance    | tolerance' must be at least 0",
            "{\"tolerance\":\"25%\"}       | metrics[0].tolerance    | must be a number",
            "{\"direction\":\"up\"}        | metrics[0].direction    | direction' must be one of increase, decrease, either",
            "{\"direction\":1}             | metrics[0].direction    | direction' must be one of",
            "{\"minIntervals\":0}          | metrics[0].minIntervals | at least 1"})
    void rejectsBadParametersNamingTheField(String json, String field, String message) {
        assertThatThrownBy(() -> detector.parameters(spec(json), "metrics[0]"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void fillsInDefaults() {
        ObjectNode parameters = detector.parameters(spec("{\"metric\":\"latency_p99\"}"), "metrics[0]");

        assertThat(parameters.get("confidence").asDouble()).isEqualTo(0.98);
        assertThat(parameters.get("tolerance").asDouble()).isEqualTo(0.25);
        assertThat(parameters.get("direction").asText()).isEqualTo("increase");
        assertThat(parameters.get("minIntervals").asInt()).isEqualTo(3);
        assertThat(parameters.get("metric").asText()).isEqualTo("latency_p99");
    }

    @Test
    void passesACanaryThatBehavesLikeTheStableVersionAlongside() {
        EngineSimulation simulation = simulation("");

        Judgement running = simulation.sideBySide(normal(1, 60, 100, 10), normal(2, 60, 100, 10));
        Judgement concluded = simulation.conclude();

        assertThat(running.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(concluded.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(concluded.statistic()).isGreaterThan(0.02);
        assertThat(concluded.reason()).startsWith("latency_p99 median ").contains("of the stable version alongside")
                .contains("over 12 and 12 intervals: Mann-Whitney p = ");
    }

    @Test
    void failsAWorseCanaryAsSoonAsEnoughIntervalsHaveCompleted() {
        EngineSimulation simulation = simulation("");
        double[] canary = normal(3, 60, 150, 10);

        Judgement judgement = simulation.sideBySide(canary, normal(4, 60, 100, 10));

        assertThat(judgement.outcome()).isEqualTo(Outcome.FAILED);
        // 4 against 4 intervals is the first comparison whose exact p-value can reach 0.02 (1/70); the 4th interval
        // completes when the first sample of the 5th arrives
        assertThat(simulation.samplesToFail()).isEqualTo(21);
        assertThat(judgement.statistic()).isCloseTo(1.0 / 70, within(1e-9));
        assertThat(judgement.reason()).contains("over 4 and 4 intervals").contains("≤ 0.02");
        assertThat(judgement.evidence()).hasSize(4);
        Observation first = judgement.evidence().get(0);
        assertThat(first.at()).isEqualTo(START);
        assertThat(first.value()).isCloseTo(Arrays.stream(canary, 0, 5).average().orElseThrow(), within(1e-9));
        assertThat(judgement.evidence().get(3).at()).isEqualTo(START + 3 * INTERVAL);
    }

    @Test
    void aSignificantButSmallDifferenceIsWithinTolerance() {
        EngineSimulation simulation = simulation("");

        simulation.sideBySide(normal(5, 60, 110, 1), normal(6, 60, 100, 1));
        Judgement concluded = simulation.conclude();

        assertThat(simulation.samplesToFail()).isEqualTo(-1);
        assertThat(concluded.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(concluded.statistic()).isLessThan(0.001);
        assertThat(concluded.reason()).contains("+10%").contains("tolerance 25%");
    }

    @Test
    void comparesAgainstTheBaselineWhenTheStableVersionNoLongerRuns() {
        EngineSimulation worse = simulation("").baseline(normal(7, 120, 100, 10));
        EngineSimulation same = simulation("").baseline(normal(7, 120, 100, 10));

        Judgement failed = worse.samples(normal(8, 30, 140, 10));
        same.samples(normal(9, 30, 100, 10));
        Judgement passed = same.conclude();

        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.reason()).contains("of the stable version before the deploy").contains("and 24 intervals");
        assertThat(passed.outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void watchesTheConfiguredDirection() {
        double[] lower = normal(10, 60, 50, 5);
        double[] stable = normal(11, 60, 100, 5);

        EngineSimulation increase = simulation("");
        increase.sideBySide(lower, stable);
        EngineSimulation decrease = simulation(",\"direction\":\"decrease\"");
        EngineSimulation either = simulation(",\"direction\":\"either\"");

        assertThat(increase.conclude().outcome()).isEqualTo(Outcome.PASSED);
        assertThat(decrease.sideBySide(lower, stable).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(either.sideBySide(lower, stable).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(decrease.judgements.get(decrease.judgements.size() - 1).reason()).contains("of the stable version alongside (-");
    }

    @Test
    void isInconclusiveWithTooFewIntervalsOnEitherSide() {
        EngineSimulation shortWindow = simulation("");
        shortWindow.sideBySide(normal(12, 10, 100, 10), normal(13, 10, 100, 10));
        EngineSimulation noStable = simulation("").baseline(normal(14, 8, 100, 10));
        noStable.samples(normal(15, 30, 100, 10));

        Judgement fewCanary = shortWindow.conclude();
        Judgement fewStable = noStable.conclude();

        assertThat(fewCanary.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(fewCanary.reason()).isEqualTo("2 intervals so far, the canary detector needs 3");
        assertThat(fewCanary.statistic()).isNull();
        assertThat(fewStable.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(fewStable.reason())
                .isEqualTo("the stable version has 2 intervals before the deploy to compare against, the canary detector needs 3");
    }

    @Test
    void identicalConstantValuesPass() {
        double[] zeros = new double[30];
        EngineSimulation simulation = simulation("");
        simulation.sideBySide(zeros, zeros);

        Judgement concluded = simulation.conclude();

        assertThat(concluded.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(concluded.statistic()).isEqualTo(1.0);
    }

    @Test
    void judgesTheSameSamplesTheSameWay() {
        double[] canary = normal(16, 60, 108, 10);
        double[] stable = normal(17, 60, 100, 10);
        EngineSimulation first = simulation("");
        EngineSimulation second = simulation("");

        first.sideBySide(canary, stable);
        second.sideBySide(canary, stable);
        first.conclude();
        second.conclude();

        assertThat(first.judgements).isEqualTo(second.judgements);
        assertThat(first.track.memory).isEqualTo(second.track.memory);
    }

    @Test
    void remembersOneTimestampPerIntervalAndNothingPerSample() {
        EngineSimulation simulation = simulation(",\"tolerance\":1000");

        simulation.sideBySide(normal(18, 600, 100, 10), normal(19, 600, 100, 10));

        // 600 samples in 120 intervals: the interval starts plus the last index and p-value
        assertThat(simulation.track.memory).hasSize(120 + 2);
    }
}
