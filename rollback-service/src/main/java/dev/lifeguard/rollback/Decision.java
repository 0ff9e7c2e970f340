package dev.lifeguard.rollback;

/** What rollback-service decided about one anomalous deployment. */
public enum Decision {
    /** Roll the deployment back; a rollback request was published. */
    ROLL_BACK,
    /** Leave it as it is; the reason says why, nothing was published. */
    SKIPPED
}
