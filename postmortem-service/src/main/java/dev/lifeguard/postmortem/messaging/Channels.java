package dev.lifeguard.postmortem.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** deploy-service's lifecycle: deployed, upgraded, rolled back (lifeguard.deployments). */
    public static final String DEPLOYMENTS = "deployments";
    /** monitor-service's anomalies (lifeguard.anomalies). */
    public static final String ANOMALIES = "anomalies";
    /** rollback-service's requests (lifeguard.rollbacks). */
    public static final String ROLLBACKS = "rollbacks";
    /** monitor-service's verdicts, one per deployment (lifeguard.analyses). */
    public static final String ANALYSES = "analyses";
    /** notify-service's notifications to all teams (lifeguard.notifications). */
    public static final String NOTIFICATIONS = "notifications";
    /** every service's audit entries (lifeguard.audit). */
    public static final String AUDIT = "audit";

    private Channels() {
    }
}
