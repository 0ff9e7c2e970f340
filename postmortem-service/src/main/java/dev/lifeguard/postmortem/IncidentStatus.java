package dev.lifeguard.postmortem;

/** An incident is opened by an anomaly and resolved by the rollback of its chain. */
public enum IncidentStatus {
    OPEN,
    RESOLVED
}
