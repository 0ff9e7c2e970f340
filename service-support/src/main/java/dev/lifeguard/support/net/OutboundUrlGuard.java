package dev.lifeguard.support.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Vets URLs that come from untrusted input (a chat channel, a rollback webhook) before Lifeguard calls them:
 * http(s) only, no user info, a host, and (unless private networks are allowed) every address the host resolves
 * to must be public, so whoever configures the URL cannot make Lifeguard call into its own network (SSRF). Callers
 * check when the URL is given and again before each call, because DNS answers change, and do not follow redirects,
 * which could lead past this check.
 * <p>
 * Not a CDI bean: each service builds one from its own setting ({@code allowSetting} is that setting's name, shown
 * in the refusal so an operator knows what to change).
 */
public class OutboundUrlGuard {

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Set<String> SCHEMES = Set.of("http", "https");
    private static final int MAX_LENGTH = 2000;

    private final boolean allowPrivateNetwork;
    private final String allowSetting;
    private final Resolver resolver;

    public OutboundUrlGuard(boolean allowPrivateNetwork, Resolver resolver) {
        this(allowPrivateNetwork, null, resolver);
    }

    /** @param allowSetting the configuration key that allows private networks, named in refusals (may be null) */
    public OutboundUrlGuard(boolean allowPrivateNetwork, String allowSetting, Resolver resolver) {
        this.allowPrivateNetwork = allowPrivateNetwork;
        this.allowSetting = allowSetting;
        this.resolver = resolver;
    }

    /** A guard that resolves names through the system resolver. */
    public static OutboundUrlGuard usingSystemDns(boolean allowPrivateNetwork, String allowSetting) {
        return new OutboundUrlGuard(allowPrivateNetwork, allowSetting, InetAddress::getAllByName);
    }

    public boolean allowsPrivateNetwork() {
        return allowPrivateNetwork;
    }

    /** The parsed URL, or {@link RejectedUrlException} saying what is wrong with it. */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw new RejectedUrlException("a URL is required");
        }
        if (url.length() > MAX_LENGTH) {
            throw new RejectedUrlException("the URL must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new RejectedUrlException("not a valid URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new RejectedUrlException("the URL must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RejectedUrlException("the URL must not contain user info (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RejectedUrlException("the URL must name a host");
        }
        if (!allowPrivateNetwork) {
            requirePublicAddresses(uri.getHost());
        }
        return uri;
    }

    /** Scheme, host and port: safe to show and log, as the path or query may carry a token. */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    private void requirePublicAddresses(String host) {
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new UnresolvableHostException("host '" + host + "' does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnresolvableHostException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new RejectedUrlException("host '" + host + "' resolves to the non-public address "
                        + address.getHostAddress()
                        + (allowSetting == null ? "" : " (set " + allowSetting + "=true to allow it)"));
            }
        }
    }

    /** Loopback, unspecified, private, shared (CGNAT), link-local, unique-local, multicast or broadcast. */
    public static boolean isInternal(InetAddress address) {
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
