package dev.lifeguard.monitor.stream;

/**
 * A deployment started ({@code service.deployed} / {@code service.upgraded}) or was rolled back
 * ({@code service.rolledback}), or a rollout step asked for an analysis, or a rollout ended
 * ({@code lifeguard-rollout.step-started|aborted|promoted}), as the engine needs it. {@code at} is the event time in
 * epoch milliseconds. For a rollback, {@code deploymentId} is the deployment taken out, {@code version} and
 * {@code artifactId} what runs again, {@code restoredDeploymentId} deploy-service's id of the deployment that runs
 * again (null in events older than issue 7) and {@code rollbackId} the rollback's id (null only in events that break
 * the contract). {@code rollout} is set for rollout events, and for a rollback that aborted a rollout.
 */
public record DeploymentChange(Kind kind, String eventId, String chainId, String deploymentId, String service,
                               String environment, String version, String stableVersion, String artifactId, long at,
                               String rollbackId, String restoredDeploymentId, Rollout rollout) {

    public enum Kind { STARTED, ROLLED_BACK, STEP_STARTED, ROLLOUT_ABORTED, ROLLOUT_PROMOTED }

    /**
     * What a rollout event adds: the step's index, the analysis id deploy-service waits for and the window it asked
     * for (null: the spec's), or the reason it ended. {@code aborted} marks a rollback that ended a rollout.
     */
    public record Rollout(Integer stepIndex, String analysisId, Long windowMillis, boolean aborted, String reason) {
    }

    public DeploymentChange(Kind kind, String eventId, String chainId, String deploymentId, String service,
                            String environment, String version, String stableVersion, String artifactId, long at,
                            String rollbackId, String restoredDeploymentId) {
        this(kind, eventId, chainId, deploymentId, service, environment, version, stableVersion, artifactId, at,
                rollbackId, restoredDeploymentId, null);
    }

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

    /** A rollback that aborted a rollout: the stable version never stopped running, nothing to analyse again. */
    public boolean abortedRollout() {
        return rollout != null && rollout.aborted();
    }
}
