package dev.lifeguard.notify.delivery;

import dev.lifeguard.notify.DeliveryStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides what follows an attempt: delivered, failed for good, or another attempt at a time that
 * honours the channel's {@code Retry-After} (bounded) or else backs off exponentially. Pure.
 */
public record RetryPolicy(int maxAttempts, Duration backoffBase, Duration backoffMax, Duration retryAfterMax) {

    /** {@code nextAttemptAt} is set only for PENDING. */
    public record Verdict(DeliveryStatus status, Instant nextAttemptAt, String lastError) {
    }

    public Verdict after(int attemptsMade, HttpOutcome outcome, Instant now) {
        if (outcome.delivered()) {
            return new Verdict(DeliveryStatus.DELIVERED, null, null);
        }
        if (!outcome.retryable()) {
            return new Verdict(DeliveryStatus.FAILED, null, outcome.error() + " (not retried)");
        }
        if (attemptsMade >= maxAttempts) {
            return new Verdict(DeliveryStatus.FAILED, null,
                    outcome.error() + " (gave up after " + attemptsMade + " attempts)");
        }
        Duration delay = outcome.retryAfter() != null
                ? min(outcome.retryAfter(), retryAfterMax)
                : backoff(attemptsMade);
        return new Verdict(DeliveryStatus.PENDING, now.plus(delay), outcome.error());
    }

    /** base, 2 x base, 4 x base, ... capped at {@code backoffMax}. */
    Duration backoff(int attemptsMade) {
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 30);
        return min(backoffBase.multipliedBy(1L << doublings), backoffMax);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
