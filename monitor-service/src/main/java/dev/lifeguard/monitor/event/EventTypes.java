package dev.lifeguard.monitor.event;

/** CloudEvents types monitor-service reads and writes. */
public final class EventTypes {

    public static final String INCIDENT_DETECTED = "dev.cdevents.incident.detected.0.3.0";
    public static final String ANALYSIS_FINISHED = "dev.cdeventsx.lifeguard-analysis.finished.0.1.0";
    /** Internal to monitor-service (its compacted specs topic), not part of the contract between services. */
    public static final String ANALYSIS_SPEC_CHANGED = "dev.cdeventsx.lifeguard-analysis-spec.changed.0.1.0";

    private EventTypes() {
    }

    /** CDEvents minor versions within 0.x stay compatible for the fields read here. */
    public static boolean isServiceDeployment(String type) {
        return type.startsWith("dev.cdevents.service.deployed.") || type.startsWith("dev.cdevents.service.upgraded.");
    }

    public static final String ROLLOUT_STEP_STARTED = "dev.cdeventsx.lifeguard-rollout.step-started.";
    public static final String ROLLOUT_ABORTED = "dev.cdeventsx.lifeguard-rollout.aborted.";
    public static final String ROLLOUT_PROMOTED = "dev.cdeventsx.lifeguard-rollout.promoted.";

    /** The rollout events that start or end a step analysis (any 0.x version: the fields read here stay). */
    public static boolean isRolloutChange(String type) {
        return type.startsWith(ROLLOUT_STEP_STARTED) || type.startsWith(ROLLOUT_ABORTED)
                || type.startsWith(ROLLOUT_PROMOTED);
    }

    public static boolean isServiceRollback(String type) {
        return type.startsWith("dev.cdevents.service.rolledback.");
    }
}
