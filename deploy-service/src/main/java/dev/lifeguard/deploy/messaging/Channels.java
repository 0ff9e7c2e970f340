package dev.lifeguard.deploy.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** CI deployment events (lifeguard.ci). */
    public static final String CI = "ci";
    /** Rollback requests from rollback-service (lifeguard.rollbacks). */
    public static final String ROLLBACK_REQUESTS = "rollback-requests";

    private Channels() {
    }
}
