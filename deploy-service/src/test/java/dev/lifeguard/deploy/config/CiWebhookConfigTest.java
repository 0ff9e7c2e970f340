package dev.lifeguard.deploy.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** CI sources and their secrets come from environment variables in production (and from ./lifeguard up). */
class CiWebhookConfigTest {

    /**
     * A name with '-' or '_' cannot be told from the variable name alone ({@code SOURCES_GITHUB_ACTIONS_SECRET}):
     * such a source must also be named in application.properties; the README says so.
     */
    @Test
    void sourcesAndSecretsAreReadFromEnvironmentVariables() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CiWebhookConfig.class)
                // Quarkus reads "5m" and "14d" as durations
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(Map.of(
                        "LIFEGUARD_DEPLOY_CI_WEBHOOK_TOPIC", "lifeguard.ci",
                        "LIFEGUARD_DEPLOY_CI_WEBHOOK_SOURCES_LOCAL_SECRET", "local-secret",
                        "LIFEGUARD_DEPLOY_CI_WEBHOOK_SOURCES_GITHUB_SECRET", "github-secret"), 300))
                .build();

        CiWebhookConfig webhook = config.getConfigMapping(CiWebhookConfig.class);

        assertThat(webhook.sources()).containsOnlyKeys("local", "github");
        assertThat(webhook.sources().get("local").secret()).isEqualTo("local-secret");
        assertThat(webhook.sources().get("github").secret()).isEqualTo("github-secret");
    }
}
