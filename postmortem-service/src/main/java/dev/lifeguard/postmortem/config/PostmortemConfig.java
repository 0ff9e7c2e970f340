package dev.lifeguard.postmortem.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "lifeguard.postmortem")
public interface PostmortemConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/postmortem-service")
    String eventSource();

    /** Topic of {@code incident.resolved}. */
    String incidentsTopic();
}
