package dev.lifeguard.rollback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.rollback")
public interface RollbackConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/rollback-service")
    String eventSource();

    /** Name ({@code @Identifier}) of the {@code RollbackPolicy} that decides what to do about an anomaly. */
    @WithDefault("stable-version")
    String policy();

    /** Topic the rollback requests go to. */
    String rollbacksTopic();

    /**
     * How long an anomaly waits for the event of its deployment (the two arrive on different topics, in
     * any order) before it is decided without it.
     */
    @WithDefault("10m")
    Duration pendingAnomalyTimeout();

    /** How often anomalies that waited longer than {@link #pendingAnomalyTimeout()} are looked for. */
    @WithDefault("30s")
    Duration pendingAnomalyCheckInterval();

    /** How long a decision waits for approval before it escalates, unless its policy says otherwise. */
    @WithDefault("15m")
    Duration approvalTimeout();

    /** The team told when an approval times out or a restored version fails too, unless the policy names one. */
    @WithDefault("sre-oncall")
    String escalationTeam();

    /** How often decisions past their approval deadline are looked for. */
    @WithDefault("10s")
    Duration approvalCheckInterval();
}
