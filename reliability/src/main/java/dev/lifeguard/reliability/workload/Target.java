package dev.lifeguard.reliability.workload;

import java.util.List;

/**
 * One service of the workload: v1 reported over REST, then v2 from CI over Kafka, then v2's error rate. A failing
 * target's v2 goes bad (every sample above the 0.05 threshold); a healthy one's stays low.
 */
public record Target(String service, int index, boolean failing) {

    public static final String ENVIRONMENT = "production";
    public static final String TEAM = "sre";
    public static final String STABLE_VERSION = "1.0.0";
    public static final String NEW_VERSION = "2.0.0";
    public static final String METRIC = "error_rate";
    static final List<Double> BAD_ERROR_RATES = List.of(0.3, 0.4, 0.5, 0.6);
    static final List<Double> HEALTHY_ERROR_RATES = List.of(0.01, 0.02, 0.03, 0.01);
    public static final int SAMPLES_PER_TARGET = BAD_ERROR_RATES.size();
    /**
     * monitor-service's default analysis spec on the suite's platform ({@code LIFEGUARD_MONITOR_DEFAULT_SPEC}): a
     * failing analysis fails only at its {@value #SAMPLES_PER_TARGET}th bad sample, the last one a target sends, so
     * that no acknowledged sample arrives after the verdict (late, uncounted) and "every acked sample counted" stays
     * exact; the window outlasts any run, so only the samples decide.
     */
    public static final String ANALYSIS_SPEC = "{\"window\":\"60m\",\"minSamples\":3,\"metrics\":[{\"metric\":\""
            + METRIC + "\",\"provider\":\"stream\",\"detector\":\"threshold\",\"max\":0.05,\"failureLimit\":"
            + SAMPLES_PER_TARGET + "}]}";

    /** {@code svc-<run>-<index>}; every second target (odd index) fails. */
    public static Target of(String runId, int index) {
        return new Target("svc-" + runId + "-" + String.format("%03d", index), index, index % 2 == 1);
    }

    public String key() {
        return service + "/" + ENVIRONMENT;
    }

    public List<Double> errorRates() {
        return failing ? BAD_ERROR_RATES : HEALTHY_ERROR_RATES;
    }
}
