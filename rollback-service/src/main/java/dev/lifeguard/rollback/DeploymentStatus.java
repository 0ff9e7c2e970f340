package dev.lifeguard.rollback;

/** What deploy-service's events say about one tracked deployment. */
public enum DeploymentStatus {
    /** What runs now; at most one per service and environment. */
    RUNNING,
    /** Replaced by a newer deployment. */
    SUPERSEDED,
    /** Taken out by a rollback. */
    ROLLED_BACK,
    /**
     * Rolled out in steps (canary, blue-green) beside the RUNNING stable deployment, which keeps the rest of the traffic
     * until this one is promoted (it then runs) or aborted (rolled back).
     */
    ROLLING_OUT
}
