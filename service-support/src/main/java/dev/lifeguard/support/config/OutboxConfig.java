package dev.lifeguard.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The outbox relay: how it claims, retries and parks rows, and how long sent rows are kept. */
@ConfigMapping(prefix = "lifeguard.outbox")
public interface OutboxConfig {

    /** The safety net: a commit wakes the relay at once, this poll catches rows whose backoff ended. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Rows claimed per round; at most one per topic and key, so order per key holds. */
    @WithDefault("200")
    int batchSize();

    /** Failed sends (while the broker is reachable) before a row is parked. */
    @WithDefault("10")
    int maxAttempts();

    @WithDefault("1s")
    Duration backoffBase();

    @WithDefault("60s")
    Duration backoffMax();

    /** A claim not resolved within this is free again (its instance died mid-send). */
    @WithDefault("45s")
    Duration claimLease();

    /** Sent rows are kept this long, to answer "was it published?". */
    @WithDefault("7d")
    Duration retention();
}
