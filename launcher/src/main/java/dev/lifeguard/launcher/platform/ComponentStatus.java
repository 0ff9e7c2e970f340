package dev.lifeguard.launcher.platform;

import java.util.OptionalLong;

/** One row of {@code ./lifeguard status}. */
public record ComponentStatus(String component, OptionalLong pid, int port, State state) {

    public enum State {
        /** Process alive and answering: TCP for Kafka and PostgreSQL, {@code /q/health/ready} UP for services. */
        HEALTHY,
        /** Process alive but not (yet) answering. */
        RUNNING,
        STOPPED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean healthy() {
        return state == State.HEALTHY;
    }
}
