package dev.lifeguard.benchmark.quality;

/**
 * The kinds of deployment in the corpus. {@code anomalous} ones carry a real regression of the new version (higher
 * is worse); any failure on the others is a false alarm.
 */
public enum Scenario {

    HEALTHY("healthy", false, "new version = stable version, Gaussian noise"),
    SHIFT_HALF_SIGMA("shift +0.5σ", true, "mean +0.5σ from the first sample"),
    SHIFT_ONE_SIGMA("shift +1σ", true, "mean +1σ from the first sample"),
    SHIFT_TWO_SIGMA("shift +2σ", true, "mean +2σ from the first sample"),
    SHIFT_FIVE_TIMES("shift ×5", true, "every value ×5 from the first sample"),
    STEP("step +3σ", true, "mean +3σ from a sample between the 5th and the middle of the window"),
    RAMP("ramp", true, "mean rising 0.1σ a minute from the first sample"),
    HEAVY_NOISE("heavy noise", false, "healthy, Student-t (3 dof) noise in baseline and window"),
    GAPS("gaps", false, "healthy, ~35% of the window's samples missing in bursts"),
    TOO_FEW_SAMPLES("too few samples", false, "healthy, only 6 samples arrive (minSamples 10)"),
    SHORT_BASELINE("short baseline", false, "healthy, the stable version sent only 10 values before the deploy"),
    SEASONAL("seasonal", false, "healthy, daily sinusoid ±20% of the mean, deployed at any hour"),
    SEASONAL_SHIFT("seasonal +2σ", true, "daily sinusoid ±20% and mean +2σ from the first sample");

    private final String label;
    private final boolean anomalous;
    private final String description;

    Scenario(String label, boolean anomalous, String description) {
        this.label = label;
        this.anomalous = anomalous;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public boolean anomalous() {
        return anomalous;
    }

    public String description() {
        return description;
    }

    /**
     * How often each scenario appears: one deployment in {@code MIX.length} of each entry. Healthy kinds make up a
     * little more than half, as in production, and the anchor case (+1σ) twice the others.
     */
    static final Scenario[] MIX = {
            HEALTHY, SHIFT_HALF_SIGMA, HEALTHY, SHIFT_ONE_SIGMA, SEASONAL, SHIFT_TWO_SIGMA, HEALTHY, SHIFT_FIVE_TIMES,
            HEAVY_NOISE, STEP, GAPS, RAMP, SEASONAL, SEASONAL_SHIFT, SHORT_BASELINE, TOO_FEW_SAMPLES, HEALTHY,
            SHIFT_ONE_SIGMA};
}
