package dev.lifeguard.notify.event;

/** CloudEvents types notify-service reads and writes. Reads match any version within 0.x by prefix. */
public final class EventTypes {

    public static final String SERVICE_DEPLOYED_PREFIX = "dev.cdevents.service.deployed.";
    public static final String SERVICE_UPGRADED_PREFIX = "dev.cdevents.service.upgraded.";
    public static final String SERVICE_ROLLEDBACK_PREFIX = "dev.cdevents.service.rolledback.";
    public static final String INCIDENT_DETECTED_PREFIX = "dev.cdevents.incident.detected.";
    public static final String ROLLBACK_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.requested.";
    public static final String ANALYSIS_FINISHED_PREFIX = "dev.cdeventsx.lifeguard-analysis.finished.";
    public static final String ROLLBACK_FAILED_PREFIX = "dev.cdeventsx.lifeguard-rollback.failed.";
    public static final String ROLLBACK_SKIPPED_PREFIX = "dev.cdeventsx.lifeguard-rollback.skipped.";
    public static final String ROLLBACK_ACCEPTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.accepted.";
    public static final String ROLLBACK_DECIDED_PREFIX = "dev.cdeventsx.lifeguard-rollback.decided.";
    public static final String APPROVAL_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.approval-requested.";
    public static final String ROLLBACK_ESCALATED_PREFIX = "dev.cdeventsx.lifeguard-rollback.escalated.";
    public static final String GUARD_TRIPPED_PREFIX = "dev.cdeventsx.lifeguard-rollback.guard-tripped.";
    /** gated, released, step-started, paused, promoted, aborted: {@code <prefix><kind>.<version>}. */
    public static final String ROLLOUT_PREFIX = "dev.cdeventsx.lifeguard-rollout.";

    public static final String NOTIFICATION_PUBLISHED = "dev.cdeventsx.lifeguard-notification.published.0.1.0";

    private EventTypes() {
    }
}
