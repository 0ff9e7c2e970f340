package dev.lifeguard.rollback;

/** What a policy lets rollback-service do about a failing deployment. */
public enum PolicyMode {
    /** Roll back without asking (unless a freeze window, the cooldown or the storm guard says to ask). */
    AUTO("auto"),
    /** Ask a person first: the decision waits for approval. */
    APPROVAL("approval"),
    /** Tell the team and do nothing: the decision is held. */
    NOTIFY_ONLY("notify-only"),
    /** Do nothing: the decision is skipped. */
    OFF("off");

    private final String wire;

    PolicyMode(String wire) {
        this.wire = wire;
    }

    /** The value in policy bodies and events, e.g. {@code notify-only}. */
    public String wire() {
        return wire;
    }

    public static PolicyMode fromWire(String value) {
        for (PolicyMode mode : values()) {
            if (mode.wire.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("must be one of auto, approval, notify-only, off");
    }
}
