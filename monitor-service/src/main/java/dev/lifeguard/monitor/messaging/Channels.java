package dev.lifeguard.monitor.messaging;

/** Reactive Messaging channel names; topics and serdes are set in application.properties. */
public final class Channels {

    /** The engine's progress snapshots (lifeguard.monitor.analysis-progress), for the REST read model. */
    public static final String ANALYSIS_PROGRESS = "analysis-progress";

    private Channels() {
    }
}
