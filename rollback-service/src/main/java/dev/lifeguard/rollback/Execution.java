package dev.lifeguard.rollback;

/** What deploy-service reported about executing a rollback request; a decision without one has not been reported on yet. */
public enum Execution {
    /** Handed to a CD tool or a person, who completes it later: the rollback is still under way. */
    ACCEPTED,
    /** The rollback was executed: the target runs the version it went back to. */
    EXECUTED,
    /** The rollback could not be executed; the target still runs what it ran. */
    FAILED,
    /** deploy-service did not execute it (already on the target version, superseded, nothing to roll back from). */
    SKIPPED;

    /** Whether the rollback is over, one way or the other: later reports do not change it. */
    public boolean isFinal() {
        return this != ACCEPTED;
    }

    /** Whether the target is still to be rolled back by this request (its execution is neither failed nor skipped). */
    public static boolean underWay(Execution execution) {
        return execution == null || execution == ACCEPTED;
    }
}
