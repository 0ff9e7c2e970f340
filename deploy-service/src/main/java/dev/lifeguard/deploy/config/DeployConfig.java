package dev.lifeguard.deploy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.deploy")
public interface DeployConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/deploy-service")
    String eventSource();

    /** Name ({@code @Identifier}) of the {@code RollbackExecutor} for targets that chose none. */
    @WithDefault("record")
    String rollbackExecutor();

    /** Topic of the canonical deployment lifecycle (deployed, upgraded, rolled back, rollback outcomes). */
    String deploymentsTopic();

    /**
     * A deployment no analysis verdict arrived for becomes STABLE after this long without an anomaly. Keep it longer
     * than the analysis windows, so a running analysis always decides first.
     */
    @WithDefault("2h")
    Duration bakeTime();

    /** How often current deployments are checked for having baked long enough. */
    @WithDefault("30s")
    Duration bakeCheckInterval();

    /** How long one executor call may take before it counts as a transient failure. */
    @WithDefault("30s")
    Duration executionTimeout();

    /**
     * How long past the call's timeout a claim holds: an instance that died mid-call (or could not record the result)
     * leaves a claim that lapses after timeout + margin, and another instance calls the executor again.
     */
    @WithDefault("30s")
    Duration claimMargin();

    /** Executor calls per rollback before it is FAILED (transient failures are retried). */
    @WithDefault("5")
    int executionAttempts();

    /** Wait before the first retry; doubled after each further failure, up to {@link #retryBackoffMax()}. */
    @WithDefault("5s")
    Duration retryBackoff();

    @WithDefault("2m")
    Duration retryBackoffMax();

    /** How often due rollbacks are looked for (besides the nudge right after one is accepted). */
    @WithDefault("2s")
    Duration executionPoll();

    /** CI clocks run ahead a little; an event time further in the future than this is replaced by the arrival time. */
    @WithDefault("5m")
    Duration futureEventTimeTolerance();

    /**
     * Whether URLs from target settings (the {@code webhook} executor's {@code url}) may point at loopback, private,
     * link-local or multicast addresses. Off in production (a target's URL is untrusted input: SSRF); on for local
     * runs and tests.
     */
    @WithDefault("false")
    boolean allowPrivateNetwork();

    /**
     * Strategy of a redeploy after a rollback when the target sets none ({@code redeployStrategy} in its body): the
     * fix reaches a small share of traffic first. JSON, as in the REST field {@code strategy}.
     */
    @WithDefault("{\"type\":\"canary\",\"steps\":[{\"setWeight\":10},{\"pause\":\"5m\"},{\"setWeight\":50},"
            + "{\"pause\":\"5m\"},{\"setWeight\":100}]}")
    String redeployStrategy();

    /** How long past a pause step's duration its verdict may take before the rollout pauses ("no verdict"). */
    @WithDefault("2m")
    Duration verdictGrace();
}
