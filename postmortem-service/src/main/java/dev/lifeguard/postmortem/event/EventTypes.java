package dev.lifeguard.postmortem.event;

/**
 * CloudEvents types postmortem-service reads and writes. Types are matched without their version:
 * CDEvents minor versions within 0.x stay compatible for the fields read here.
 */
public final class EventTypes {

    public static final String SERVICE_DEPLOYED_PREFIX = "dev.cdevents.service.deployed.";
    public static final String SERVICE_UPGRADED_PREFIX = "dev.cdevents.service.upgraded.";
    public static final String SERVICE_ROLLEDBACK_PREFIX = "dev.cdevents.service.rolledback.";
    public static final String INCIDENT_DETECTED_PREFIX = "dev.cdevents.incident.detected.";
    public static final String ROLLBACK_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.requested.";
    public static final String ROLLBACK_DECIDED_PREFIX = "dev.cdeventsx.lifeguard-rollback.decided.";
    public static final String APPROVAL_REQUESTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.approval-requested.";
    public static final String ROLLBACK_ESCALATED_PREFIX = "dev.cdeventsx.lifeguard-rollback.escalated.";
    public static final String STORM_GUARD_TRIPPED_PREFIX = "dev.cdeventsx.lifeguard-rollback.guard-tripped.";
    public static final String ANALYSIS_FINISHED_PREFIX = "dev.cdeventsx.lifeguard-analysis.finished.";
    public static final String ROLLBACK_FAILED_PREFIX = "dev.cdeventsx.lifeguard-rollback.failed.";
    public static final String ROLLBACK_SKIPPED_PREFIX = "dev.cdeventsx.lifeguard-rollback.skipped.";
    public static final String ROLLBACK_ACCEPTED_PREFIX = "dev.cdeventsx.lifeguard-rollback.accepted.";
    /** gated, released, step-started, paused, promoted, aborted: {@code <prefix><kind>.<version>}. */
    public static final String ROLLOUT_PREFIX = "dev.cdeventsx.lifeguard-rollout.";
    public static final String NOTIFICATION_PUBLISHED_PREFIX = "dev.cdeventsx.lifeguard-notification.published.";

    public static final String INCIDENT_RESOLVED = "dev.cdevents.incident.resolved.0.3.0";

    private EventTypes() {
    }
}
