package dev.lifeguard.rollback.event;

/** CloudEvents types rollback-service reads and writes. */
public final class EventTypes {

    public static final String ROLLBACK_REQUESTED = "dev.cdeventsx.lifeguard-rollback.requested.0.1.0";

    private EventTypes() {
    }

    /** CDEvents minor versions within 0.x stay compatible for the fields read here. */
    public static boolean isServiceDeployment(String type) {
        return type.startsWith("dev.cdevents.service.deployed.") || type.startsWith("dev.cdevents.service.upgraded.");
    }

    /** deploy-service began a step of a rollout (canary, blue-green): the new version takes part of the traffic. */
    public static boolean isRolloutStepStarted(String type) {
        return type.startsWith("dev.cdeventsx.lifeguard-rollout.step-started.");
    }

    public static boolean isServiceRolledBack(String type) {
        return type.startsWith("dev.cdevents.service.rolledback.");
    }

    /** deploy-service's report on executing a rollback request: accepted, failed or skipped. */
    public static boolean isRollbackExecutionReport(String type) {
        return type.startsWith("dev.cdeventsx.lifeguard-rollback.accepted.")
                || type.startsWith("dev.cdeventsx.lifeguard-rollback.failed.")
                || type.startsWith("dev.cdeventsx.lifeguard-rollback.skipped.");
    }

    /** monitor-service's verdict of one analysis (passed, failed, inconclusive). */
    public static boolean isAnalysisFinished(String type) {
        return type.startsWith("dev.cdeventsx.lifeguard-analysis.finished.");
    }

    public static boolean isIncidentDetected(String type) {
        return type.startsWith("dev.cdevents.incident.detected.");
    }
}
