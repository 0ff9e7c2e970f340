package dev.lifeguard.deploy.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** CI's events (lifeguard.ci): deployments, rollbacks and removals; every other type is ignored. */
    public static final String CI = "ci";
    /** Rollback requests from rollback-service (lifeguard.rollbacks). */
    public static final String ROLLBACK_REQUESTS = "rollback-requests";
    /** Analysis verdicts from monitor-service (lifeguard.analyses). */
    public static final String ANALYSES = "analyses";
    /** Anomalies from monitor-service (lifeguard.anomalies). */
    public static final String ANOMALIES = "anomalies";

    private Channels() {
    }
}
