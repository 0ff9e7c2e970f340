package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.service.ReportedSample;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consumer side of the metric-sample contract: the golden examples parse, broken samples are named. */
class MetricSampleReaderTest {

    private final MetricSampleReader reader = new MetricSampleReader(new ObjectMapper());

    @Test
    void readsTheGoldenSingleSample() {
        List<ReportedSample> samples = reader.read(EventContract.read(example("metric-sample.single")));

        assertThat(samples).containsExactly(new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.34,
                OffsetDateTime.parse("2026-11-26T10:01:10Z")));
    }

    @Test
    void readsTheGoldenArrayWithAnUndatedSample() {
        List<ReportedSample> samples = reader.read(EventContract.read(example("metric-sample.array")));

        assertThat(samples).containsExactly(
                new ReportedSample("checkout", "production", "2.0.0", "error_rate", 0.21,
                        OffsetDateTime.parse("2026-11-26T10:01:00Z")),
                new ReportedSample("checkout", "production", "2.0.0", "latency_p99_ms", 840, null));
    }

    @ParameterizedTest(name = "{0} -> source {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", value = {
            "{}                                            | NULL",
            "{'source':'pod-a'}                            | pod-a",
            "{'instance':'10.0.0.7:9090'}                  | 10.0.0.7:9090",
            "{'source':'pod-a','instance':'10.0.0.7:9090'} | pod-a",
            "{'source':null,'instance':'10.0.0.7:9090'}    | 10.0.0.7:9090",
            "{'source':' pod-a '}                          | pod-a",
            "{'instance':null}                             | NULL",
    })
    void readsTheSourceOrPrometheusInstanceLabel(String labels, String source) {
        String json = sampleWith(labels);

        assertThat(reader.read(json)).singleElement().extracting(ReportedSample::source).isEqualTo(source);
        // the same labels inside an array
        assertThat(reader.read("[" + json + "]")).singleElement().extracting(ReportedSample::source).isEqualTo(source);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", value = {
            "{'source':''}                   | source   | non-empty string",
            "{'source':'  '}                 | source   | non-empty string",
            "{'source':7}                    | source   | non-empty string",
            "{'instance':''}                 | instance | non-empty string",
            "{'instance':['a']}              | instance | non-empty string",
            "{'source':'', 'instance':'i-1'} | source   | non-empty string",
    })
    void aBadSourceOrInstanceLabelNamesTheField(String labels, String field, String reason) {
        assertThatThrownBy(() -> reader.read(sampleWith(labels)))
                .isInstanceOfSatisfying(InvalidSampleException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(reason);
                });
        assertThatThrownBy(() -> reader.read("[" + sampleWith("{}") + "," + sampleWith(labels) + "]"))
                .isInstanceOfSatisfying(InvalidSampleException.class,
                        e -> assertThat(e.field()).isEqualTo("[1]." + field));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"source", "instance"})
    void aSourceLongerThanTheColumnIsRefused(String label) {
        String json = sampleWith("{'" + label + "':'" + "p".repeat(200) + "'}");
        assertThat(reader.read(json)).singleElement().extracting(ReportedSample::source).isEqualTo("p".repeat(200));

        assertThatThrownBy(() -> reader.read(sampleWith("{'" + label + "':'" + "p".repeat(201) + "'}")))
                .isInstanceOfSatisfying(InvalidSampleException.class, e -> assertThat(e.field()).isEqualTo(label));
    }

    @Test
    void goldenExamplesMatchTheSchema() {
        EventContract.examples("metric-sample").forEach(example ->
                assertThat(EventContract.violations("metric-sample", EventContract.parse(EventContract.read(example))))
                        .as(example.toString()).isEmpty());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", value = {
            "not json                                                                  | NULL          | not JSON",
            "42                                                                        | NULL          | sample object",
            "[]                                                                        | NULL          | non-empty array",
            "{'environment':'p','version':'1','metric':'m','value':1}                  | service       | 'service' is required",
            "{'service':'s','environment':'p','version':'1','metric':'m'}              | value         | 'value' is required",
            "{'service':'s','environment':'p','version':'1','metric':'m','value':'x'}  | value         | must be a number",
            "{'service':'s','environment':'p','version':'1','metric':'','value':1}     | metric        | non-empty string",
            "{'service':'s','environment':'p','version':1,'metric':'m','value':1}      | version       | non-empty string",
            "{'service':'s','environment':'p','version':'1','metric':'m','value':1,'timestamp':'yesterday'} | timestamp | RFC 3339",
            "[{'service':'s','environment':'p','version':'1','metric':'m','value':1},7] | [1]          | metric sample object",
            "[{'service':'s','environment':'p','version':'1','metric':'m','value':1},{'service':'s','environment':'p','version':'1','metric':'m','value':true}] | [1].value | must be a number",
    })
    void namesTheFieldThatBreaksTheContract(String json, String field, String reason) {
        assertThatThrownBy(() -> reader.read(json.replace('\'', '"')))
                .isInstanceOfSatisfying(InvalidSampleException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    /** A valid dated sample with the given extra fields (single quotes for readability). */
    private static String sampleWith(String labels) {
        String extra = labels.replace('\'', '"').replaceAll("^\\{|\\}$", "").trim();
        return "{\"service\":\"checkout\",\"environment\":\"production\",\"version\":\"2.0.0\","
                + "\"metric\":\"error_rate\",\"value\":0.3,\"timestamp\":\"2026-11-26T10:01:00Z\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static java.nio.file.Path example(String name) {
        return EventContract.contractsDirectory().resolve("examples").resolve(name + ".json");
    }
}
