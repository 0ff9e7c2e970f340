package dev.lifeguard.deploy.executor.support;

import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.support.net.OutboundUrlGuard;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * deploy-service's SSRF guard for URLs that come from target settings (the {@code webhook} executor's {@code url}),
 * set by {@code lifeguard.deploy.allow-private-network}. URLs from configuration (Argo CD servers, the GitHub API, a
 * default webhook URL) are the operator's and are not checked: those platforms usually live on the private network.
 */
@Singleton
public class OutboundUrlGuardProducer {

    public static final String ALLOW_PRIVATE_NETWORK = "lifeguard.deploy.allow-private-network";

    @Produces
    @Singleton
    OutboundUrlGuard outboundUrlGuard(DeployConfig config) {
        return OutboundUrlGuard.usingSystemDns(config.allowPrivateNetwork(), ALLOW_PRIVATE_NETWORK);
    }
}
