package dev.lifeguard.benchmark.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorProbeTest {

    private static final String METRICS = """
            # TYPE lifeguard_monitor_samples_total counter
            lifeguard_monitor_samples_total{outcome="analysed"} 1234567.0
            lifeguard_monitor_samples_total{outcome="late"} 3.0
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
            """;

    @Test
    void sumsTheSeriesWithTheLabel() {
        assertThat(MonitorProbe.sum(METRICS, "lifeguard_monitor_samples_total{", "outcome=\"analysed\"")).isEqualTo(1_234_567);
        assertThat(MonitorProbe.sum(METRICS, "jvm_memory_used_bytes{", "area=\"heap\"")).isEqualTo(31_457_280);
    }

    @Test
    void aSeriesThatIsNotThereIsNotANumber() {
        assertThat(MonitorProbe.sum(METRICS, "lifeguard_monitor_samples_total{", "outcome=\"stable\"")).isNaN();
        assertThat(MonitorProbe.sum("", "jvm_memory_used_bytes{", "area=\"heap\"")).isNaN();
    }
}
