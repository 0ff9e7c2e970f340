package dev.lifeguard.notify.channel;

import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.RejectedUrlException;
import dev.lifeguard.support.net.VettedUrl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Vets channel URLs, which are untrusted input, with service-support's {@link OutboundUrlGuard} (SSRF: https only,
 * no user info, public addresses only, unless {@code lifeguard.notify.allow-private-network} allows http and private
 * networks for local use; cloud metadata addresses never). Checked when a subscription is made ({@link #check}) and
 * again before each attempt ({@link #vet}), because DNS answers change; the attempt then connects to the addresses
 * vetted for it.
 */
@ApplicationScoped
public class ChannelUrlGuard {

    static final String ALLOW_PRIVATE_NETWORK = "lifeguard.notify.allow-private-network";

    private final OutboundUrlGuard guard;

    @Inject
    public ChannelUrlGuard(NotifyConfig config) {
        this(OutboundUrlGuard.usingSystemDns(config.allowPrivateNetwork(), ALLOW_PRIVATE_NETWORK));
    }

    public ChannelUrlGuard(boolean allowPrivateNetwork, OutboundUrlGuard.Resolver resolver) {
        this(new OutboundUrlGuard(allowPrivateNetwork, ALLOW_PRIVATE_NETWORK, resolver));
    }

    private ChannelUrlGuard(OutboundUrlGuard guard) {
        this.guard = guard;
    }

    /** When a channel URL is stored: the URL (shown only masked), or {@link RejectedUrlException} saying why not. */
    public ChannelUrl check(String url) {
        return new ChannelUrl(guard.validate(url));
    }

    /**
     * Before each attempt: the URL with the addresses to connect to, or {@link RejectedUrlException} (an
     * {@link dev.lifeguard.support.net.UnresolvableHostException} when the host does not resolve now).
     */
    public VettedUrl vet(ChannelUrl url) {
        return guard.check(url.uri().toString());
    }
}
