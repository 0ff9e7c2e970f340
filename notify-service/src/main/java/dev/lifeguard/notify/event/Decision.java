package dev.lifeguard.notify.event;

/** rollback-service's decision outcomes, spelled as its events spell them. */
public enum Decision {
    ROLL_BACK, SKIPPED, HELD, AWAITING_APPROVAL, APPROVED, REJECTED, DRY_RUN, MANUAL;

    /** The decision of that spelling, or null when it is none of them. */
    static Decision parse(String text) {
        for (Decision decision : values()) {
            if (decision.name().equals(text)) {
                return decision;
            }
        }
        return null;
    }

    /** A person (or the approval timeout) settled a decision that waited for one. */
    public boolean settlesAnApproval() {
        return this == APPROVED || this == REJECTED;
    }
}
