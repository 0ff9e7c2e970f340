package dev.lifeguard.deploy.event;

/** CloudEvents types deploy-service reads and writes. */
public final class EventTypes {

    public static final String SERVICE_DEPLOYED = "dev.cdevents.service.deployed.0.3.0";
    public static final String SERVICE_UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String SERVICE_ROLLEDBACK = "dev.cdevents.service.rolledback.0.3.0";
    public static final String ROLLBACK_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.requested.";

    private EventTypes() {
    }

    /** CDEvents minor versions within 0.x stay compatible for the fields read here. */
    public static boolean isServiceDeployment(String type) {
        return type.startsWith("dev.cdevents.service.deployed.") || type.startsWith("dev.cdevents.service.upgraded.");
    }
}
