package dev.lifeguard.monitor.service;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.OffsetDateTime;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What makes two samples the same measurement (stored once) or different ones (both kept). */
class SampleIdentityTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-11-26T10:01:00Z");
    private static final ReportedSample SAMPLE =
            new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.21, AT, "pod-a");

    static Stream<Arguments> sameMeasurement() {
        return Stream.of(
                arguments("the very same sample", SAMPLE),
                arguments("another value (a re-sent sample is not a correction)", with(SAMPLE, 0.99)),
                arguments("the same instant in another offset", at(SAMPLE, OffsetDateTime.parse("2026-11-26T12:01:00+02:00"))),
                arguments("a difference below a microsecond (PostgreSQL keeps microseconds)",
                        at(SAMPLE, AT.plusNanos(999))));
    }

    static Stream<Arguments> differentMeasurement() {
        return Stream.of(
                arguments("service", new ReportedSample("payments", "production", "2.0.0", "error_rate", 0.21, AT, "pod-a")),
                arguments("environment", new ReportedSample("checkout", "staging", "2.0.0", "error_rate", 0.21, AT, "pod-a")),
                arguments("version", new ReportedSample("checkout", "production", "2.0.1", "error_rate", 0.21, AT, "pod-a")),
                arguments("metric", new ReportedSample("checkout", "production", "2.0.0", "latency_p99_ms", 0.21, AT, "pod-a")),
                arguments("source", new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.21, AT, "pod-b")),
                arguments("no source", new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.21, AT, null)),
                arguments("timestamp, a second later", at(SAMPLE, AT.plusSeconds(1))),
                arguments("timestamp, a microsecond later", at(SAMPLE, AT.plusNanos(1_000))),
                arguments("fields that run into each other: 'checkout'+'production' vs 'checkoutp'+'roduction'",
                        new ReportedSample("checkoutp", "roduction", "2.0.0", "error_rate", 0.21, AT, "pod-a")));
    }

    @ParameterizedTest(name = "same: {0}")
    @MethodSource("sameMeasurement")
    void theSameMeasurementHasTheSameIdentity(String difference, ReportedSample other) {
        assertThat(SampleIdentity.of(other)).isEqualTo(SampleIdentity.of(SAMPLE));
    }

    @ParameterizedTest(name = "differs in {0}")
    @MethodSource("differentMeasurement")
    void anotherMeasurementHasAnotherIdentity(String difference, ReportedSample other) {
        assertThat(SampleIdentity.of(other)).isNotEqualTo(SampleIdentity.of(SAMPLE));
    }

    @ParameterizedTest(name = "undated, source {0}")
    @MethodSource("sources")
    void anUndatedSampleIsNewEveryTime(String source) {
        ReportedSample undated = new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.21, null, source);

        assertThat(SampleIdentity.of(undated)).isNotEqualTo(SampleIdentity.of(undated));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameMeasurement")
    void anIdentityFitsTheColumn(String description, ReportedSample sample) {
        assertThat(SampleIdentity.of(sample)).hasSizeLessThanOrEqualTo(64);
        assertThat(SampleIdentity.of(at(sample, null))).hasSizeLessThanOrEqualTo(64);
    }

    static Stream<String> sources() {
        return Stream.of("pod-a", null);
    }

    private static ReportedSample with(ReportedSample sample, double value) {
        return new ReportedSample(sample.service(), sample.environment(), sample.version(), sample.metric(), value,
                sample.timestamp(), sample.source());
    }

    private static ReportedSample at(ReportedSample sample, OffsetDateTime timestamp) {
        return new ReportedSample(sample.service(), sample.environment(), sample.version(), sample.metric(),
                sample.value(), timestamp, sample.source());
    }
}
