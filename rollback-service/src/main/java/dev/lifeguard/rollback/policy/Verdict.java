package dev.lifeguard.rollback.policy;

import dev.lifeguard.rollback.Decision;

import java.util.Objects;

/** A policy's answer: roll back to {@code toVersion}, or skip; {@code reason} is for humans and carries the evidence. */
public record Verdict(Decision decision, String toVersion, String reason) {

    public Verdict {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(reason, "reason");
        if (decision == Decision.ROLL_BACK && toVersion == null) {
            throw new IllegalArgumentException("a rollback needs a target version");
        }
    }

    public static Verdict rollBackTo(String toVersion, String reason) {
        return new Verdict(Decision.ROLL_BACK, toVersion, reason);
    }

    public static Verdict skip(String reason) {
        return new Verdict(Decision.SKIPPED, null, reason);
    }
}
