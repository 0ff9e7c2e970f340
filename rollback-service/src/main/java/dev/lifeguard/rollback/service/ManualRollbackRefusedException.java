package dev.lifeguard.rollback.service;

/** A manual rollback that is not decided, and why; {@code field} names the request field at fault, if one is. */
public class ManualRollbackRefusedException extends RuntimeException {

    public enum Refusal {
        /** A field's value cannot be used (e.g. {@code toVersion} is not an earlier, good version). */
        INVALID_FIELD,
        /** rollback-service knows no deployment of the target. */
        UNKNOWN_TARGET,
        /** The target's state does not allow it now: nothing runs, a rollback is under way, an anomaly is pending. */
        CONFLICT,
        /** The {@code Idempotency-Key} was used for a different request. */
        IDEMPOTENCY_KEY_REUSED
    }

    private final Refusal refusal;
    private final String field;

    public ManualRollbackRefusedException(Refusal refusal, String field, String message) {
        super(message);
        this.refusal = refusal;
        this.field = field;
    }

    public Refusal refusal() {
        return refusal;
    }

    public String field() {
        return field;
    }
}
