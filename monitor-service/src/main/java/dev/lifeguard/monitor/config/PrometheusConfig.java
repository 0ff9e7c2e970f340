package dev.lifeguard.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where the {@code prometheus} metric provider sends its queries ({@code LIFEGUARD_MONITOR_PROMETHEUS_*}). */
@ConfigMapping(prefix = "lifeguard.monitor.prometheus")
public interface PrometheusConfig {

    /**
     * Base URL of the Prometheus HTTP API (or of anything serving {@code /api/v1/query}, e.g. Thanos, Mimir's
     * {@code /prometheus} prefix). {@code user:password@} in it is sent as basic authentication and never logged.
     */
    @WithDefault("http://localhost:9090")
    String url();

    /** Bound on connecting and on each query; a query that takes longer is a failed pull. */
    @WithDefault("5s")
    Duration timeout();

    /** Sent as {@code Authorization: Bearer ...} when set; never logged. */
    Optional<String> bearerToken();
}
