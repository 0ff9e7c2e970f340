package dev.lifeguard.monitor.detector;

/** Where a metric, or a whole analysis, stands. Only RUNNING is not final. */
public enum Outcome {
    RUNNING, PASSED, FAILED, INCONCLUSIVE;

    public boolean isFinal() {
        return this != RUNNING;
    }

    /** As the verdict event spells it: {@code passed}, {@code failed}, {@code inconclusive}. */
    public String wireName() {
        return name().toLowerCase();
    }
}
