package dev.lifeguard.deploy.executor.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Defaults of the {@code webhook} rollback executor, for targets whose settings leave them out. */
@ConfigMapping(prefix = "lifeguard.deploy.executors.webhook")
public interface WebhookConfig {

    /**
     * The receiver for targets that set no {@code url}. The operator's own: not checked against private networks
     * (unlike a target's {@code url}).
     */
    Optional<String> url();

    /** The HMAC signing secret for targets that set no {@code secret}. */
    Optional<String> secret();

    /**
     * Whether the configured default webhook URL ({@code url}) may be on a private network (loopback, RFC 1918, ...): it is the operator's, and such
     * platforms usually run inside. Cloud metadata addresses are refused either way, and every call goes to the
     * address vetted for it.
     */
    @WithDefault("true")
    boolean allowPrivateNetwork();

    @WithDefault("10s")
    Duration connectTimeout();

    /** How long to wait for the receiver's answer once connected. */
    @WithDefault("10s")
    Duration requestTimeout();
}
