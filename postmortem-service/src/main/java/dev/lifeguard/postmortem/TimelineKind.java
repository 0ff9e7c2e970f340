package dev.lifeguard.postmortem;

/**
 * What a timeline entry is about; {@link #label()} is the {@code type} shown in timelines and post-mortems. Declared in
 * the order a chain happens in, which orders entries of the same instant (an anomaly and the verdict it decided).
 */
public enum TimelineKind {
    ROLLOUT_GATED("rollout-gated"),
    ROLLOUT_RELEASED("rollout-released"),
    ROLLOUT_STEP("rollout-step"),
    ROLLOUT_PAUSED("rollout-paused"),
    /** Promotion and the service.upgraded it brings are one transaction, so they share an instant. */
    ROLLOUT_PROMOTED("rollout-promoted"),
    DEPLOYMENT("deployment"),
    ANOMALY("anomaly"),
    ANALYSIS("analysis"),
    ROLLOUT_ABORTED("rollout-aborted"),
    ROLLBACK_REQUESTED("rollback-requested"),
    ROLLBACK_SKIPPED("rollback-skipped"),
    ROLLBACK_ACCEPTED("rollback-accepted"),
    ROLLBACK_FAILED("rollback-failed"),
    ROLLBACK("rollback"),
    /** Derived entries on an incident's timeline: a deployment linked to it as its fix took traffic, ... */
    FIX_DEPLOYED("fix-deployed"),
    /** ... was promoted or passed its analysis, ... */
    FIX_VERIFIED("fix-verified"),
    /** ... or was aborted or failed its analysis. */
    FIX_FAILED("fix-failed"),
    NOTIFICATION("notification");

    private final String label;

    TimelineKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Entries postmortem-service writes itself (no event of their own to re-read). */
    public static boolean isDerived(String label) {
        return FIX_DEPLOYED.label.equals(label) || FIX_VERIFIED.label.equals(label) || FIX_FAILED.label.equals(label);
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
