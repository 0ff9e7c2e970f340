package dev.lifeguard.monitor;

/** Where a deployment stands in its verification. */
public enum WatchStatus {
    /** Samples of its version inside its window are judged. */
    WATCHING,
    /** The rule fired; its one anomaly has been emitted. */
    ANOMALY_DETECTED,
    /** Rolled back: its window ended at the rollback. */
    ROLLED_BACK,
    /** A newer deployment of the same service and environment is under verification now. */
    SUPERSEDED
}
