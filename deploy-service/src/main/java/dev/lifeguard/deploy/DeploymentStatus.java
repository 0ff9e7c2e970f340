package dev.lifeguard.deploy;

/**
 * How one deployment of one version to one environment fared. Whether it runs now is {@link Deployment#current},
 * not a status: a current deployment is ANALYSING, STABLE, FAILED or INCONCLUSIVE.
 */
public enum DeploymentStatus {
    /** Deployed; its analysis runs (or, without one, it bakes). */
    ANALYSING,
    /** Its analysis passed, or it baked without an anomaly: a verified rollback target. */
    STABLE,
    /** Its analysis failed: never a rollback target. */
    FAILED,
    /** Its analysis ended without a verdict either way. */
    INCONCLUSIVE,
    /** A newer deployment replaced it before it became stable (or it was reported late). */
    SUPERSEDED,
    /** A rollback replaced it: never a rollback target. */
    ROLLED_BACK,
    /** CI reported the service removed from the environment. */
    RETIRED,
    /** Held by the redeploy gate until test evidence arrives or a person overrides it; takes no traffic. */
    GATED,
    /** Its canary / blue-green rollout runs: not current, the stable deployment keeps the rest of the traffic. */
    ROLLING_OUT
}
