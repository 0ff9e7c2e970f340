package dev.lifeguard.rollback;

/** What rollback-service decided about a deployment: about an anomaly it raised, or because a person asked. */
public enum Decision {
    /** Roll the deployment back; a rollback request was published. */
    ROLL_BACK,
    /** Leave it as it is; the reason says why, nothing was published. */
    SKIPPED,
    /** A person (or CI) asked to roll the running deployment back ({@code POST /api/v1/rollbacks}); a request was published. */
    MANUAL;

    /** Whether a rollback request was published for the decision, so deploy-service is to execute it. */
    public boolean requestsRollback() {
        return this == ROLL_BACK || this == MANUAL;
    }
}
