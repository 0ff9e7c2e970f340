package dev.lifeguard.monitor.detector.cusum;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.EngineSimulation;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static dev.lifeguard.monitor.detector.EngineSimulation.MINUTE;
import static dev.lifeguard.monitor.detector.EngineSimulation.normal;
import static dev.lifeguard.monitor.detector.EngineSimulation.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CusumDetectorTest {

    private static final double[] BASELINE = normal(1, 120, 100, 10);

    private final CusumDetector detector = new CusumDetector();

    private EngineSimulation simulation(String parameters) {
        return new EngineSimulation(detector, "{\"metric\":\"latency_p99\"" + parameters + "}", MINUTE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"k\":-0.5}                   | metrics[2].k           | k' must be at least 0",
            "{\"h\":\"5\"}                  | metrics[2].h           | h' must be a number",
            "{\"direction\":\"sideways\"}   | metrics[2].direction   | direction' must be one of increase, decrease",
            "{\"direction\":\"either\"}     | metrics[2].direction   | not \"either\"",
            "{\"minBaseline\":1}            | metrics[2].minBaseline | at least 2",
            "{\"minBaseline\":20.5}         | metrics[2].minBaseline | whole number"})
    void rejectsBadParametersNamingTheField(String json, String field, String message) {
        assertThatThrownBy(() -> detector.parameters(spec(json), "metrics[2]"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void fillsInDefaults() {
        ObjectNode parameters = detector.parameters(spec("{\"metric\":\"latency_p99\",\"direction\":\"Decrease\"}"), "metrics[0]");

        assertThat(parameters.get("k").asDouble()).isEqualTo(0.5);
        assertThat(parameters.get("h").asDouble()).isEqualTo(5);
        assertThat(parameters.get("direction").asText()).isEqualTo("decrease");
        assertThat(parameters.get("minBaseline").asInt()).isEqualTo(20);
    }

    @Test
    void passesAVersionThatBehavesLikeTheBaseline() {
        EngineSimulation simulation = simulation("").baseline(BASELINE);

        Judgement running = simulation.samples(normal(2, 30, 100, 10));
        Judgement concluded = simulation.conclude();

        assertThat(running.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(concluded.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(concluded.statistic()).isLessThanOrEqualTo(5);
        assertThat(concluded.reason()).startsWith("latency_p99 showed no increase from the stable version's ").contains("in 30 samples");
    }

    @Test
    void failsAShiftOfTwoSigmaWithinAFewSamplesShowingTheRunAsEvidence() {
        EngineSimulation simulation = simulation("").baseline(BASELINE);
        double[] shifted = normal(3, 30, 120, 10);

        Judgement judgement = simulation.samples(shifted);

        assertThat(judgement.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(simulation.samplesToFail()).isBetween(2, 10);
        assertThat(judgement.statistic()).isGreaterThan(5);
        assertThat(judgement.reason()).startsWith("latency_p99 shifted above the stable version's ").contains("CUSUM").contains("> 5");
        assertThat(judgement.evidence()).isNotEmpty().hasSizeLessThanOrEqualTo(simulation.samplesToFail());
        assertThat(judgement.evidence().get(judgement.evidence().size() - 1).value())
                .isEqualTo(shifted[simulation.samplesToFail() - 1]);
    }

    @Test
    void watchesOnlyTheConfiguredDirection() {
        double[] dropped = normal(4, 30, 70, 10);

        Judgement increase = simulation("").baseline(BASELINE).samples(dropped);
        Judgement decrease = simulation(",\"direction\":\"decrease\"").baseline(BASELINE).samples(dropped);

        assertThat(increase.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(increase.statistic()).isZero();
        assertThat(decrease.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(decrease.reason()).contains("shifted below");
    }

    @Test
    void isInconclusiveWithoutEnoughBaseline() {
        EngineSimulation simulation = simulation("").baseline(Arrays.copyOf(BASELINE, 12));

        Judgement running = simulation.samples(normal(5, 30, 500, 10));
        Judgement concluded = simulation.conclude();

        assertThat(simulation.judgements.subList(0, 30)).allMatch(j -> j.outcome() == Outcome.RUNNING);
        assertThat(running.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(concluded.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(concluded.reason()).isEqualTo("the stable version's baseline has 12 values, the cusum detector needs 20");
    }

    @Test
    void aBaselineOutlierBarelyMovesTheRobustEstimates() {
        double[] spiky = BASELINE.clone();
        spiky[10] = 10_000;
        spiky[50] = 5_000;
        EngineSimulation clean = simulation("").baseline(BASELINE);
        EngineSimulation withSpikes = simulation("").baseline(spiky);
        clean.samples(100);
        withSpikes.samples(100);

        assertThat(withSpikes.track.memory.get("mu")).isCloseTo(clean.track.memory.get("mu"), within(1.0));
        assertThat(withSpikes.track.memory.get("sigma")).isCloseTo(clean.track.memory.get("sigma"), within(1.0));
        assertThat(clean.track.memory.get("sigma")).isCloseTo(10, within(2.5));
    }

    @Test
    void aFlatBaselineNeverDividesByZero() {
        double[] flat = new double[40];
        Arrays.fill(flat, 200);
        EngineSimulation simulation = simulation("").baseline(flat);

        Judgement same = simulation.samples(200, 200, 200);
        // z = 5, clipped to 3: each adds 2.5 to S, which passes h = 5 on the third
        Judgement higher = simulation.samples(210, 210, 210);

        assertThat(same.statistic()).isZero();
        assertThat(simulation.track.memory.get("sigma")).isEqualTo(2.0);
        assertThat(higher.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(higher.statistic()).isFinite();
    }

    @Test
    void oneWildSampleCannotAlarmAloneButAClippedShiftStillAddsUp() {
        double[] flat = new double[40];
        Arrays.fill(flat, 200);
        EngineSimulation spike = simulation("").baseline(flat);
        assertThat(spike.samples(10_000).outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(spike.track.memory.get("S")).isEqualTo(2.5);

        EngineSimulation unclipped = simulation(",\"clip\":0").baseline(flat);
        assertThat(unclipped.samples(10_000).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void judgesTheSameSamplesTheSameWay() {
        double[] values = normal(6, 60, 105, 12);
        EngineSimulation first = simulation("").baseline(BASELINE);
        EngineSimulation second = simulation("").baseline(BASELINE);

        first.samples(values);
        second.samples(values);
        first.conclude();
        second.conclude();

        assertThat(first.judgements).isEqualTo(second.judgements);
        assertThat(first.track.memory).isEqualTo(second.track.memory);
    }

    @Test
    void keepsAFixedNumberOfRunningNumbersWhateverTheSampleCount() {
        EngineSimulation simulation = simulation(",\"h\":1000000").baseline(BASELINE);

        simulation.samples(normal(8, 10_000, 100, 10));

        assertThat(simulation.track.memory).hasSizeLessThanOrEqualTo(5);
    }
}
