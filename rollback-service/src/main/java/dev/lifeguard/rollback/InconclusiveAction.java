package dev.lifeguard.rollback;

/** What an inconclusive verdict of a deployment's full-traffic analysis leads to. */
public enum InconclusiveAction {
    ROLLBACK("rollback"),
    HOLD("hold"),
    IGNORE("ignore");

    private final String wire;

    InconclusiveAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static InconclusiveAction fromWire(String value) {
        for (InconclusiveAction action : values()) {
            if (action.wire.equals(value)) {
                return action;
            }
        }
        throw new IllegalArgumentException("must be one of rollback, hold, ignore");
    }
}
