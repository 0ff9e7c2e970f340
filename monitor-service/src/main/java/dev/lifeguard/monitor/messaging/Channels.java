package dev.lifeguard.monitor.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** deploy-service's deployment lifecycle (lifeguard.deployments). */
    public static final String DEPLOYMENTS = "deployments";
    /** Metric samples, plain JSON (lifeguard.metrics). */
    public static final String METRICS = "metrics";

    private Channels() {
    }
}
