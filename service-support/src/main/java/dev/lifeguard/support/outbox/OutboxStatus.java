package dev.lifeguard.support.outbox;

/** Where an outbox row stands. */
public enum OutboxStatus {
    /** Waiting to be sent, possibly after a backoff. */
    PENDING,
    /** Acknowledged by the broker. */
    SENT,
    /** Failed too often while the broker was reachable; waits for an operator's retry and holds back its key. */
    PARKED
}
