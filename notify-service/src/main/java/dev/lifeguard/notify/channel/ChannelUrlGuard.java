package dev.lifeguard.notify.channel;

import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.RejectedUrlException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Vets channel URLs, which are untrusted input, with service-support's {@link OutboundUrlGuard} (SSRF: http(s)
 * only, no user info, public addresses unless {@code lifeguard.notify.allow-private-network}). Checked when a
 * subscription is made and again before each attempt, because DNS answers change.
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

    /** The channel URL (shown only masked), or {@link RejectedUrlException} saying what is wrong with it. */
    public ChannelUrl check(String url) {
        return new ChannelUrl(guard.check(url));
    }
}
