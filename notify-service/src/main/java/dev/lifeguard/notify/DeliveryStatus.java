package dev.lifeguard.notify;

/** Where one message to one channel stands. */
public enum DeliveryStatus {
    /** Recorded, waiting for its (next) attempt at {@code nextAttemptAt}. */
    PENDING,
    /** The channel answered 2xx. */
    DELIVERED,
    /** Given up: a permanent error or the last allowed attempt failed; {@code lastError} says why. */
    FAILED
}
