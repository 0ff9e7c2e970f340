package dev.lifeguard.deploy.event;

/** CloudEvents types deploy-service reads and writes. */
public final class EventTypes {

    public static final String SERVICE_DEPLOYED = "dev.cdevents.service.deployed.0.3.0";
    public static final String SERVICE_UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String SERVICE_ROLLEDBACK = "dev.cdevents.service.rolledback.0.3.0";
    public static final String SERVICE_REMOVED = "dev.cdevents.service.removed.0.3.0";
    public static final String ROLLBACK_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.requested.";
    public static final String ROLLBACK_SKIPPED = "dev.cdeventsx.lifeguard-rollback.skipped.0.1.0";
    public static final String ROLLBACK_FAILED = "dev.cdeventsx.lifeguard-rollback.failed.0.1.0";
    public static final String ROLLBACK_ACCEPTED = "dev.cdeventsx.lifeguard-rollback.accepted.0.1.0";
    public static final String ANALYSIS_FINISHED_PREFIX = "dev.cdeventsx.lifeguard-analysis.finished.";
    public static final String INCIDENT_DETECTED_PREFIX = "dev.cdevents.incident.detected.";

    private EventTypes() {
    }

    /** CDEvents minor versions within 0.x stay compatible for the fields read here. */
    public static boolean isServiceDeployment(String type) {
        return type.startsWith("dev.cdevents.service.deployed.") || type.startsWith("dev.cdevents.service.upgraded.");
    }

    public static boolean isServiceRollback(String type) {
        return type.startsWith("dev.cdevents.service.rolledback.");
    }

    public static boolean isServiceRemoval(String type) {
        return type.startsWith("dev.cdevents.service.removed.");
    }
}
