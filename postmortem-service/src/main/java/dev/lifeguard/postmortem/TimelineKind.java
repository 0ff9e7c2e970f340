package dev.lifeguard.postmortem;

/**
 * What a timeline entry is about; {@link #label()} is the {@code type} shown in timelines and post-mortems. Declared in
 * the order a chain happens in, which orders entries of the same instant (an anomaly and the verdict it decided).
 */
public enum TimelineKind {
    DEPLOYMENT("deployment"),
    ANOMALY("anomaly"),
    ANALYSIS("analysis"),
    ROLLBACK_REQUESTED("rollback-requested"),
    ROLLBACK_SKIPPED("rollback-skipped"),
    ROLLBACK_ACCEPTED("rollback-accepted"),
    ROLLBACK_FAILED("rollback-failed"),
    ROLLBACK("rollback"),
    NOTIFICATION("notification");

    private final String label;

    TimelineKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Where an entry of this label falls among entries of the same instant; unknown labels come last. */
    public static int rankOf(String label) {
        for (TimelineKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind.ordinal();
            }
        }
        return values().length;
    }
}
