package dev.lifeguard.postmortem.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.postmortem")
public interface PostmortemConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/postmortem-service")
    String eventSource();

    /** Topic of {@code incident.resolved}. */
    String incidentsTopic();

    Audit audit();

    interface Audit {

        /** How long audit entries are kept (by their time); older ones are removed. */
        @WithDefault("400d")
        Duration retention();

        /** How often expired entries are removed. */
        @WithDefault("1h")
        String purgeEvery();

        /** The most entries one {@code GET /api/v1/audit} page returns. */
        @WithDefault("500")
        int maxLimit();
    }
}
