package dev.lifeguard.rollback;

/** What a decision waiting for approval becomes when nobody answers in time (after the escalation). */
public enum ApprovalTimeoutAction {
    ROLLBACK("rollback"),
    HOLD("hold");

    private final String wire;

    ApprovalTimeoutAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ApprovalTimeoutAction fromWire(String value) {
        for (ApprovalTimeoutAction action : values()) {
            if (action.wire.equals(value)) {
                return action;
            }
        }
        throw new IllegalArgumentException("must be one of rollback, hold");
    }
}
