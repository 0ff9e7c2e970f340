package dev.lifeguard.rollback;

/** What deploy-service's events say about one tracked deployment. */
public enum DeploymentStatus {
    /** What runs now; at most one per service and environment. */
    RUNNING,
    /** Replaced by a newer deployment. */
    SUPERSEDED,
    /** Taken out by a rollback. */
    ROLLED_BACK
}
