package dev.lifeguard.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How a consumer retries a record that failed for a transient reason (database down, lock timeout, broker
 * unavailable for the dead letter): in place, with exponential backoff and jitter, for as long as it takes.
 */
@ConfigMapping(prefix = "lifeguard.consumer.retry")
public interface ConsumerRetryConfig {

    @WithDefault("200ms")
    Duration initialDelay();

    @WithDefault("30s")
    Duration maxDelay();

    /** Random spread added to or taken from each delay, so that instances do not retry in lockstep. */
    @WithDefault("100ms")
    Duration jitter();

    /** A channel whose record has been failing for longer than this is reported by readiness. */
    @WithDefault("5s")
    Duration reportStuckAfter();
}
