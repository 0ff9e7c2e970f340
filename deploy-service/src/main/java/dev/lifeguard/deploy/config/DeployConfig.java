package dev.lifeguard.deploy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "lifeguard.deploy")
public interface DeployConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/deploy-service")
    String eventSource();

    /** Name ({@code @Identifier}) of the {@code RollbackExecutor} that carries out rollbacks. */
    @WithDefault("record")
    String rollbackExecutor();

    /** Topic of the canonical deployment lifecycle (deployed, upgraded, rolled back). */
    String deploymentsTopic();

    /**
     * Whether URLs from target settings (the {@code webhook} executor's {@code url}) may point at loopback, private,
     * link-local or multicast addresses. Off in production (a target's URL is untrusted input: SSRF); on for local
     * runs and tests.
     */
    @WithDefault("false")
    boolean allowPrivateNetwork();
}
