package dev.lifeguard.monitor.detector.threshold;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.EngineSimulation;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.spec.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.stream.DoubleStream;

import static dev.lifeguard.monitor.detector.EngineSimulation.MINUTE;
import static dev.lifeguard.monitor.detector.EngineSimulation.START;
import static dev.lifeguard.monitor.detector.EngineSimulation.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThresholdDetectorTest {

    private final ThresholdDetector detector = new ThresholdDetector();

    private EngineSimulation simulation(String parameters) {
        return new EngineSimulation(detector, "{\"metric\":\"error_rate\",\"detector\":\"threshold\"," + parameters + "}", MINUTE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{}                                  | metrics[1].max          | needs max, min or both",
            "{\"max\":\"high\"}                  | metrics[1].max          | max' must be a number",
            "{\"min\":true}                      | metrics[1].min          | min' must be a number",
            "{\"min\":0.5,\"max\":0.1}           | metrics[1].min          | must not be greater than max",
            "{\"max\":1,\"failureLimit\":0}      | metrics[1].failureLimit | at least 1",
            "{\"max\":1,\"failureLimit\":2.5}    | metrics[1].failureLimit | whole number",
            "{\"max\":1,\"failureLimit\":\"3\"}  | metrics[1].failureLimit | must be a number"})
    void rejectsBadParametersNamingTheField(String json, String field, String message) {
        assertThatThrownBy(() -> detector.parameters(spec(json), "metrics[1]"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }

    @Test
    void fillsInTheDefaultFailureLimitAndKeepsTheRestOfTheMetric() {
        ObjectNode parameters = detector.parameters(spec("{\"metric\":\"error_rate\",\"query\":\"q\",\"max\":0.05}"), "metrics[0]");

        assertThat(parameters.get("failureLimit").asInt()).isEqualTo(3);
        assertThat(parameters.get("max").asDouble()).isEqualTo(0.05);
        assertThat(parameters.has("min")).isFalse();
        assertThat(parameters.get("query").asText()).isEqualTo("q");
    }

    @Test
    void failsOnFailureLimitConsecutiveSamplesAboveMaxWithTheRunAsEvidence() {
        EngineSimulation simulation = simulation("\"max\":0.05");

        Judgement judgement = simulation.samples(0.01, 0.2, 0.02, 0.21, 0.34, 0.4, 0.01);

        assertThat(judgement.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(judgement.reason()).isEqualTo("error_rate above 0.05 for 3 consecutive samples");
        assertThat(judgement.statistic()).isEqualTo(0.4);
        assertThat(judgement.evidence()).containsExactly(new Observation(0.21, START + 3 * MINUTE),
                new Observation(0.34, START + 4 * MINUTE), new Observation(0.4, START + 5 * MINUTE));
        assertThat(simulation.samplesToFail()).isEqualTo(6);
    }

    @Test
    void failsBelowMinAndOutsideBothBounds() {
        Judgement below = simulation("\"min\":0.9,\"failureLimit\":2").samples(0.95, 0.5, 0.4);
        Judgement outside = simulation("\"min\":0.1,\"max\":0.9,\"failureLimit\":2").samples(0.5, 0.05, 0.95);

        assertThat(below.reason()).isEqualTo("error_rate below 0.9 for 2 consecutive samples");
        assertThat(outside.reason()).isEqualTo("error_rate outside [0.1, 0.9] for 2 consecutive samples");
    }

    @Test
    void aSingleSampleLimitSaysSo() {
        assertThat(simulation("\"max\":10,\"failureLimit\":1").samples(11).reason())
                .isEqualTo("error_rate above 10 for 1 sample");
    }

    @Test
    void passesWhenRunsAreInterruptedAndValuesOnTheBoundAreWithin() {
        EngineSimulation simulation = simulation("\"max\":0.05");

        Judgement running = simulation.samples(0.2, 0.3, 0.01, 0.4, 0.5, 0.05, 0.05, 0.05, 0.06);
        Judgement concluded = simulation.conclude();

        assertThat(running.outcome()).isEqualTo(Outcome.RUNNING);
        assertThat(simulation.judgements).noneMatch(j -> j.outcome() == Outcome.FAILED);
        assertThat(concluded.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(concluded.reason()).isEqualTo("error_rate stayed at or below 0.05 in 9 samples");
        assertThat(concluded.statistic()).isEqualTo(0.06);
    }

    @Test
    void describesTheBoundsItPassedWithin() {
        EngineSimulation both = simulation("\"min\":1,\"max\":2");
        both.samples(1.5);
        EngineSimulation floor = simulation("\"min\":1");
        floor.samples(1.5);

        assertThat(both.conclude().reason()).isEqualTo("error_rate stayed within [1, 2] in 1 sample");
        assertThat(floor.conclude().reason()).isEqualTo("error_rate stayed at or above 1 in 1 sample");
    }

    @Test
    void judgesTheSameSamplesTheSameWay() {
        double[] values = EngineSimulation.normal(7, 500, 0.04, 0.02);
        EngineSimulation first = simulation("\"max\":0.07,\"failureLimit\":2");
        EngineSimulation second = simulation("\"max\":0.07,\"failureLimit\":2");

        first.samples(values);
        second.samples(values);

        assertThat(first.judgements).isEqualTo(second.judgements);
        assertThat(first.track.memory).isEqualTo(second.track.memory);
    }

    @Test
    void keepsAFixedNumberOfRunningNumbersWhateverTheSampleCount() {
        EngineSimulation simulation = simulation("\"max\":1000");

        simulation.samples(DoubleStream.generate(() -> 1).limit(10_000).toArray());

        assertThat(simulation.track.memory).hasSizeLessThanOrEqualTo(3);
        assertThat(simulation.conclude().outcome()).isEqualTo(Outcome.PASSED);
    }
}
