package dev.lifeguard.rollback.service;

/** A policy body that cannot be stored; {@link #field()} names the offending field, e.g. {@code freezeWindows[1].to}. */
public class InvalidPolicyException extends RuntimeException {

    private final String field;

    public InvalidPolicyException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
