package dev.lifeguard.notify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lifeguard.notify")
public interface NotifyConfig {

    /** CloudEvents/CDEvents {@code source} of the events this service emits. */
    @WithDefault("/lifeguard/notify-service")
    String eventSource();

    /** The all-teams notifications topic; each team also gets {@code <topic>.<team>}. */
    String notificationsTopic();

    /**
     * Whether channel URLs may point at loopback, private, link-local or multicast addresses. Off in
     * production (a webhook URL is untrusted input: SSRF); on for local runs and tests.
     */
    @WithDefault("false")
    boolean allowPrivateNetwork();

    /**
     * rollback-service as the people who answer approvals reach it: the approve and reject commands in notifications
     * point there. The default suits ./lifeguard up on one machine.
     */
    @WithDefault("http://localhost:8083")
    String rollbackServiceUrl();

    Delivery delivery();

    interface Delivery {

        /**
         * How often the worker looks for due deliveries (read by its {@code @Scheduled}; Quarkus' scheduler
         * does not go below 1 s).
         */
        @WithDefault("1s")
        Duration pollInterval();

        /** Deliveries claimed per poll. */
        @WithDefault("10")
        int batchSize();

        /** Attempts before a delivery is FAILED; permanent errors (most 4xx) fail at once. */
        @WithDefault("8")
        int maxAttempts();

        /** Delay after the first failed attempt; doubled after each further one, up to {@link #backoffMax()}. */
        @WithDefault("5s")
        Duration backoffBase();

        @WithDefault("15m")
        Duration backoffMax();

        /** Upper bound for a channel's {@code Retry-After}, so a hostile answer cannot park a delivery forever. */
        @WithDefault("1h")
        Duration retryAfterMax();

        /** Time allowed for one POST, connection included. */
        @WithDefault("5s")
        Duration timeout();

        /**
         * How long a claimed delivery stays invisible to other workers, counted again just before its POST.
         * If this process dies mid-attempt the delivery becomes due again after it; must exceed {@link #timeout()}.
         */
        @WithDefault("1m")
        Duration lease();

        CircuitBreaker circuitBreaker();
    }

    /** One breaker per channel host: a dead team webhook must not stop everyone's Slack. */
    interface CircuitBreaker {

        /** Calls in the rolling window before the failure ratio is judged. */
        @WithDefault("10")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before letting a trial call through. */
        @WithDefault("30s")
        Duration delay();
    }
}
