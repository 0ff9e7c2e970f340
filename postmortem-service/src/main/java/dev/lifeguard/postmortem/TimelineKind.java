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
    /** rollback-service decided (other than to roll back: that one is the rollback-requested entry), ... */
    ROLLBACK_DECIDED("rollback-decided"),
    /** ... its storm guard tripped with this decision, ... */
    STORM_GUARD_TRIPPED("storm-guard-tripped"),
    /** ... it asks a person to approve the decision, ... */
    APPROVAL_REQUESTED("approval-requested"),
    /** ... it escalated the decision (approval timed out, depth guard) before acting on the timeout, ... */
    ESCALATED("escalated"),
    /** ... a decision changed: approved, rejected, or settled by the approval timeout. */
    ROLLBACK_DECISION_CHANGED("rollback-decision-changed"),
    /**
     * A decision to roll back (automatic or manual, new or after a timeout): recorded, never shown, as the
     * rollback-requested entry of the same decision already says it with the same rule and reason.
     */
    DECIDED_TO_ROLL_BACK("decided-to-roll-back", false),
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
    private final boolean shown;

    TimelineKind(String label) {
        this(label, true);
    }

    TimelineKind(String label, boolean shown) {
        this.label = label;
        this.shown = shown;
    }

    public String label() {
        return label;
    }

    /** Entries postmortem-service writes itself (no event of their own to re-read). */
    public static boolean isDerived(String label) {
        return FIX_DEPLOYED.label.equals(label) || FIX_VERIFIED.label.equals(label) || FIX_FAILED.label.equals(label);
    }

    /** Whether entries of this label are on the timelines people see (all but those that repeat another entry). */
    public static boolean isShown(String label) {
        for (TimelineKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind.shown;
            }
        }
        return true;
    }

    /** The decision events of rollback-service, and its rollback requests: what a decision's story is told from. */
    public static boolean isDecision(String label) {
        return ROLLBACK_DECIDED.label.equals(label) || STORM_GUARD_TRIPPED.label.equals(label)
                || APPROVAL_REQUESTED.label.equals(label) || ESCALATED.label.equals(label)
                || ROLLBACK_DECISION_CHANGED.label.equals(label) || DECIDED_TO_ROLL_BACK.label.equals(label)
                || ROLLBACK_REQUESTED.label.equals(label);
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
