package dev.lifeguard.deploy;

/** Lifecycle of one deployment of one version to one environment. */
public enum DeploymentStatus {
    /** What runs now; at most one per service and environment. */
    RUNNING,
    /** Replaced by a newer deployment; a candidate rollback target. */
    SUPERSEDED,
    /** Taken out by a rollback; never a rollback target again. */
    ROLLED_BACK,
    /** Reported failed; never a rollback target. */
    FAILED;

    public boolean isRollbackTarget() {
        return this == RUNNING || this == SUPERSEDED;
    }
}
