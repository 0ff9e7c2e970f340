package dev.lifeguard.monitor.stream;

/**
 * A deployment started ({@code service.deployed} / {@code service.upgraded}) or was rolled back
 * ({@code service.rolledback}), as the engine needs it. {@code at} is the event time in epoch milliseconds.
 * For a rollback, {@code version} is the version that runs again.
 */
public record DeploymentChange(Kind kind, String eventId, String chainId, String deploymentId, String service,
                               String environment, String version, String stableVersion, String artifactId, long at) {

    public enum Kind { STARTED, ROLLED_BACK }

    public String target() {
        return service + "/" + environment;
    }
}
