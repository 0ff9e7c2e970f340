package dev.lifeguard.rollback;

/** What rollback-service decided about a deployment: about an anomaly or a verdict it raised, or because a person asked. */
public enum Decision {
    /** Roll the deployment back; a rollback request was published. */
    ROLL_BACK,
    /** Leave it as it is; the reason says why, nothing was executed. */
    SKIPPED,
    /** Nothing executed and the team told: a person may still approve or reject it. */
    HELD,
    /** The rollback waits for a person's approval until its deadline; then it escalates. */
    AWAITING_APPROVAL,
    /** A person approved a held or awaiting decision; a rollback request was published. */
    APPROVED,
    /** A person rejected a held or awaiting decision: nothing is executed. */
    REJECTED,
    /** The policy is a dry run: decided and explained ({@code inputs.wouldBe}), nothing executed. */
    DRY_RUN,
    /** A person (or CI) asked to roll the running deployment back ({@code POST /api/v1/rollbacks}); a request was published. */
    MANUAL;

    /** Whether a rollback request was published for the decision, so deploy-service is to execute it. */
    public boolean requestsRollback() {
        return this == ROLL_BACK || this == APPROVED || this == MANUAL;
    }

    /** Whether a person can still approve or reject it. */
    public boolean approvable() {
        return this == AWAITING_APPROVAL || this == HELD;
    }
}
