package dev.lifeguard.deploy.service;

/**
 * A CI webhook delivery that is not accepted. {@code field} names the header or body field at fault; the message
 * is safe to show the caller (it never contains a secret).
 */
public class CiDeliveryRefusedException extends RuntimeException {

    /** Why: the caller is not who it claims (401), or what it sent cannot be read (400). */
    public enum Reason { UNAUTHENTICATED, INVALID }

    private final Reason reason;
    private final String field;

    public CiDeliveryRefusedException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public static CiDeliveryRefusedException unauthenticated(String field, String message) {
        return new CiDeliveryRefusedException(Reason.UNAUTHENTICATED, field, message);
    }

    public static CiDeliveryRefusedException invalid(String field, String message) {
        return new CiDeliveryRefusedException(Reason.INVALID, field, message);
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
