package dev.lifeguard.notify.channel;

import dev.lifeguard.notify.config.NotifyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Vets channel URLs, which are untrusted input: http(s) only, no user info, a host, and (unless private
 * networks are allowed) every address the host resolves to must be public, so a subscription cannot make
 * Lifeguard call into its own network (SSRF). Checked when a subscription is made and again before each
 * attempt, because DNS answers change.
 */
@ApplicationScoped
public class ChannelUrlGuard {

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Set<String> SCHEMES = Set.of("http", "https");
    private static final int MAX_LENGTH = 2000;

    private final boolean allowPrivateNetwork;
    private final Resolver resolver;

    @Inject
    public ChannelUrlGuard(NotifyConfig config) {
        this(config.allowPrivateNetwork(), InetAddress::getAllByName);
    }

    public ChannelUrlGuard(boolean allowPrivateNetwork, Resolver resolver) {
        this.allowPrivateNetwork = allowPrivateNetwork;
        this.resolver = resolver;
    }

    /** The parsed URL, or {@link RejectedChannelUrlException} saying what is wrong with it. */
    public ChannelUrl check(String url) {
        if (url == null || url.isBlank()) {
            throw new RejectedChannelUrlException("a URL is required");
        }
        if (url.length() > MAX_LENGTH) {
            throw new RejectedChannelUrlException("the URL must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new RejectedChannelUrlException("not a valid URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new RejectedChannelUrlException("the URL must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RejectedChannelUrlException("the URL must not contain user info (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RejectedChannelUrlException("the URL must name a host");
        }
        ChannelUrl channelUrl = new ChannelUrl(uri);
        if (!allowPrivateNetwork) {
            requirePublicAddresses(channelUrl);
        }
        return channelUrl;
    }

    private void requirePublicAddresses(ChannelUrl url) {
        String host = url.uri().getHost();
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new RejectedChannelUrlException("host '" + host + "' does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new RejectedChannelUrlException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new RejectedChannelUrlException("host '" + host + "' resolves to the non-public address "
                        + address.getHostAddress() + " (set lifeguard.notify.allow-private-network=true to allow it)");
            }
        }
    }

    /** Loopback, unspecified, private, shared (CGNAT), link-local, unique-local or multicast. */
    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0 // "this network"
                    || first == 100 && (second & 0xc0) == 64 // 100.64.0.0/10 shared address space
                    || first == 255; // broadcast
        }
        // fc00::/7 unique local addresses; Java's isSiteLocalAddress only knows the deprecated fec0::/10.
        return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
    }
}
