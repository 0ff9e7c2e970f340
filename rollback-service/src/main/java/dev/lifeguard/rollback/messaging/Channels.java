package dev.lifeguard.rollback.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** deploy-service's deployment lifecycle (lifeguard.deployments). */
    public static final String DEPLOYMENTS = "deployments";
    /** monitor-service's anomalies (lifeguard.anomalies). */
    public static final String ANOMALIES = "anomalies";

    private Channels() {
    }
}
