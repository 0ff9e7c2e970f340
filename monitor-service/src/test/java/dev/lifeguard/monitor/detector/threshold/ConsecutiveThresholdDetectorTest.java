package dev.lifeguard.monitor.detector.threshold;

import dev.lifeguard.monitor.detector.Finding;
import dev.lifeguard.monitor.detector.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConsecutiveThresholdDetectorTest {

    private static final OffsetDateTime START = OffsetDateTime.of(2026, 11, 26, 10, 1, 0, 0, ZoneOffset.UTC);

    private final ConsecutiveThresholdDetector detector = new ConsecutiveThresholdDetector("error_rate", 0.05, 3);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("no samples", values(), null),
                arguments("three above: the golden example", values(0.21, 0.34, 0.4), values(0.21, 0.34, 0.4)),
                arguments("only two above", values(0.21, 0.34), null),
                arguments("equal to the threshold is not above it", values(0.05, 0.05, 0.05), null),
                arguments("below the threshold", values(0.01, 0.02, 0.03, 0.04), null),
                arguments("streak interrupted", values(0.2, 0.3, 0.01, 0.4), null),
                arguments("streak restarts after the interruption", values(0.2, 0.3, 0.01, 0.4, 0.5, 0.6),
                        values(0.4, 0.5, 0.6)),
                arguments("good samples before the streak", values(0.01, 0.2, 0.3, 0.4), values(0.2, 0.3, 0.4)),
                arguments("a run followed by a good sample still counts", values(0.2, 0.3, 0.4, 0.01),
                        values(0.2, 0.3, 0.4)),
                arguments("a longer run reports its first three", values(0.2, 0.3, 0.4, 0.5), values(0.2, 0.3, 0.4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judgesSamplesInOrder(String name, double[] samples, double[] expectedEvidence) {
        Optional<Finding> finding = detector.evaluate(observations(samples));

        if (expectedEvidence == null) {
            assertThat(finding).isEmpty();
            return;
        }
        assertThat(finding).isPresent();
        assertThat(finding.get().observedValues()).containsExactlyElementsOf(boxed(expectedEvidence));
        int firstIndex = indexOfRun(samples, expectedEvidence);
        assertThat(finding.get().evidence().get(0).at()).isEqualTo(START.plusSeconds(10L * firstIndex));
    }

    @Test
    void findingDescribesTheRuleLikeTheContractExample() {
        Finding finding = detector.evaluate(observations(values(0.21, 0.34, 0.4))).orElseThrow();

        assertThat(finding.rule()).isEqualTo("error_rate > 0.05 for 3 consecutive samples");
        assertThat(finding.summary()).isEqualTo("error_rate above 0.05 for 3 consecutive samples");
        assertThat(finding.metric()).isEqualTo("error_rate");
        assertThat(finding.threshold()).isEqualTo(0.05);
        assertThat(finding.consecutiveSamples()).isEqualTo(3);
        assertThat(detector.metric()).isEqualTo("error_rate");
    }

    @Test
    void aSingleSampleRuleFiresOnTheFirstBadSample() {
        ConsecutiveThresholdDetector strict = new ConsecutiveThresholdDetector("latency_p99_ms", 500, 1);

        Finding finding = strict.evaluate(observations(values(120, 840))).orElseThrow();

        assertThat(finding.observedValues()).containsExactly(840.0);
        assertThat(finding.rule()).isEqualTo("latency_p99_ms > 500 for 1 sample");
    }

    @Test
    void rejectsARuleThatCannotFire() {
        assertThatThrownBy(() -> new ConsecutiveThresholdDetector("error_rate", 0.05, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consecutive-samples");
        assertThatThrownBy(() -> new ConsecutiveThresholdDetector(" ", 0.05, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric");
    }

    private static double[] values(double... values) {
        return values;
    }

    private static List<Observation> observations(double[] values) {
        return IntStream.range(0, values.length)
                .mapToObj(i -> new Observation(values[i], START.plusSeconds(10L * i)))
                .toList();
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static int indexOfRun(double[] samples, double[] run) {
        return IntStream.rangeClosed(0, samples.length - run.length)
                .filter(i -> Arrays.equals(Arrays.copyOfRange(samples, i, i + run.length), run))
                .findFirst().orElseThrow();
    }
}
