package dev.lifeguard.monitor.stream;

/**
 * A deployment started ({@code service.deployed} / {@code service.upgraded}) or was rolled back
 * ({@code service.rolledback}), as the engine needs it. {@code at} is the event time in epoch milliseconds.
 * For a rollback, {@code deploymentId} is the deployment taken out, {@code version} and {@code artifactId} what runs
 * again, {@code restoredDeploymentId} deploy-service's id of the deployment that runs again (null in events older
 * than issue 7) and {@code rollbackId} the rollback's id (null only in events that break the contract).
 */
public record DeploymentChange(Kind kind, String eventId, String chainId, String deploymentId, String service,
                               String environment, String version, String stableVersion, String artifactId, long at,
                               String rollbackId, String restoredDeploymentId) {

    public enum Kind { STARTED, ROLLED_BACK }

    public static DeploymentChange started(String eventId, String chainId, String deploymentId, String service,
                                           String environment, String version, String stableVersion, String artifactId,
                                           long at) {
        return new DeploymentChange(Kind.STARTED, eventId, chainId, deploymentId, service, environment, version,
                stableVersion, artifactId, at, null, null);
    }

    public String target() {
        return service + "/" + environment;
    }

    /** What makes a rollback the same rollback when it comes again: its id, or its event's id when it has none. */
    public String rollbackKey() {
        return rollbackId != null ? rollbackId : eventId;
    }
}
