package dev.lifeguard.postmortem;

/** What a timeline entry is about; {@link #label()} is the {@code type} shown in timelines and post-mortems. */
public enum TimelineKind {
    DEPLOYMENT("deployment"),
    ANOMALY("anomaly"),
    ROLLBACK_REQUESTED("rollback-requested"),
    ROLLBACK("rollback"),
    NOTIFICATION("notification");

    private final String label;

    TimelineKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
