package dev.lifeguard.deploy.executor.support;

import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.PinnedHttpClient;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * deploy-service's outbound HTTP: the SSRF guard for URLs that come from target settings (the {@code webhook}
 * executor's {@code url} and {@code stepUrl}), set by {@code lifeguard.deploy.allow-private-network}, and the
 * {@link PinnedHttpClient} every executor calls through. URLs from configuration (Argo CD servers, the GitHub API, a
 * default webhook URL) are the operator's: each executor vets them with its own guard, which allows private networks
 * unless {@code lifeguard.deploy.executors.<name>.allow-private-network=false} (those platforms usually live on the
 * private network), and refuses cloud metadata addresses always.
 */
@Singleton
public class OutboundUrlGuardProducer {

    public static final String ALLOW_PRIVATE_NETWORK = "lifeguard.deploy.allow-private-network";

    @Produces
    @Singleton
    OutboundUrlGuard outboundUrlGuard(DeployConfig config) {
        return OutboundUrlGuard.usingSystemDns(config.allowPrivateNetwork(), ALLOW_PRIVATE_NETWORK);
    }

    @Produces
    @Singleton
    PinnedHttpClient pinnedHttpClient(Vertx vertx) {
        return new PinnedHttpClient(vertx);
    }

    void close(@Disposes PinnedHttpClient client) {
        client.close();
    }
}
