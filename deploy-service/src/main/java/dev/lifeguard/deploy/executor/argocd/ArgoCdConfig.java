package dev.lifeguard.deploy.executor.argocd;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code argocd} rollback executor's Argo CD servers and their tokens. Server addresses and tokens come from
 * here only: a target names a configured server, it never gives an address, so no target can make Lifeguard send
 * a token elsewhere.
 */
@ConfigMapping(prefix = "lifeguard.deploy.executors.argocd")
public interface ArgoCdConfig {

    /** The Argo CD server for targets that name none, e.g. {@code https://argocd.example.com}. */
    Optional<String> url();

    /** An Argo CD API token (an account with the {@code applications, get} and {@code sync} permissions). */
    Optional<String> token();

    /** Further Argo CD servers by name, for targets that set {@code server}. */
    Map<String, Server> servers();

    /**
     * Whether the configured Argo CD servers may be on a private network (loopback, RFC 1918, ...): it is the operator's, and such
     * platforms usually run inside. Cloud metadata addresses are refused either way, and every call goes to the
     * address vetted for it.
     */
    @WithDefault("true")
    boolean allowPrivateNetwork();

    @WithDefault("10s")
    Duration connectTimeout();

    /** How long to wait for Argo CD's answer once connected. */
    @WithDefault("10s")
    Duration requestTimeout();

    interface Server {

        String url();

        Optional<String> token();
    }
}
