package dev.lifeguard.rollback.service;

/** An approval or rejection that cannot be applied: the decision is unknown, or its state does not allow it. */
public class ApprovalRefusedException extends RuntimeException {

    public enum Refusal {
        UNKNOWN_DECISION,
        /** Settled the other way, or never waiting for a person; {@code field} names what is at fault. */
        CONFLICT
    }

    private final Refusal refusal;
    private final String field;

    public ApprovalRefusedException(Refusal refusal, String field, String message) {
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
