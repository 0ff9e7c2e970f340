package dev.lifeguard.deploy.executor.githubactions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The {@code github-actions} rollback executor's credentials and defaults. Tokens come from here only. */
@ConfigMapping(prefix = "lifeguard.deploy.executors.github-actions")
public interface GitHubActionsConfig {

    /**
     * A token allowed to run workflows in the targets' repositories (fine-grained: "Actions" read and write; classic:
     * {@code repo}). Required when a rollback runs; never shown or logged.
     */
    Optional<String> token();

    /** GitHub's REST API; for GitHub Enterprise Server, {@code https://<host>/api/v3}. */
    @WithDefault("https://api.github.com")
    String apiBaseUrl();

    /** The branch or tag the workflow runs on, for targets that set no {@code ref}. */
    @WithDefault("main")
    String ref();

    /**
     * Whether the configured GitHub API ({@code api-base-url}) may be on a private network (loopback, RFC 1918, ...): it is the operator's, and such
     * platforms usually run inside. Cloud metadata addresses are refused either way, and every call goes to the
     * address vetted for it.
     */
    @WithDefault("true")
    boolean allowPrivateNetwork();

    @WithDefault("10s")
    Duration connectTimeout();

    /** How long to wait for GitHub's answer once connected. */
    @WithDefault("10s")
    Duration requestTimeout();
}
