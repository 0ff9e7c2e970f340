package dev.lifeguard.deploy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/**
 * The signed CI webhook ({@code POST /api/v1/ci/events}). Each CI system that may call it is a source with its own
 * secret, e.g. {@code lifeguard.deploy.ci-webhook.sources.github.secret} (environment variable
 * {@code LIFEGUARD_DEPLOY_CI_WEBHOOK_SOURCES_GITHUB_SECRET}; a name with '-' or '_' must also appear in
 * application.properties, since the variable's name alone cannot tell it). With no source every call is refused.
 */
@ConfigMapping(prefix = "lifeguard.deploy.ci-webhook")
public interface CiWebhookConfig {

    /** Callers by name (the {@code X-Lifeguard-Source} header or {@code ?source=}). */
    Map<String, Source> sources();

    /** The topic accepted events are queued on: the one CI tools write to directly. */
    String topic();

    /** How far the {@code X-Lifeguard-Signature} timestamp may be from now, either way. */
    @WithDefault("5m")
    Duration replayWindow();

    /** Larger bodies are answered 413; a CDEvent is a few kilobytes. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /**
     * How long delivery ids are remembered. A signature with a timestamp cannot be replayed after the replay window
     * anyway; a GitHub signature has none, so this is its replay guard (and the consumer's event-id check after it).
     */
    @WithDefault("14d")
    Duration deliveryRetention();

    interface Source {

        /** The HMAC-SHA256 key shared with the CI system. Never logged. */
        String secret();
    }
}
