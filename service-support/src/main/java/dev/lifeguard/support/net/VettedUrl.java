package dev.lifeguard.support.net;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A URL the {@link OutboundUrlGuard} let through, with the addresses its host resolved to when it was checked. A
 * {@link PinnedHttpClient} connects to these addresses and resolves nothing itself, so the answer that was checked is
 * the one that is called (no DNS rebinding between the check and the call). {@link #toString()} shows only the
 * origin: a path or query may carry a token.
 */
public record VettedUrl(URI uri, List<InetAddress> addresses) {

    public VettedUrl {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("a vetted URL needs the addresses it was vetted with");
        }
        addresses = List.copyOf(addresses);
    }

    /** Scheme, host and port: safe to show and log. */
    public String origin() {
        return OutboundUrlGuard.origin(uri);
    }

    public boolean https() {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    /** The port the URL names, or its scheme's default. */
    public int port() {
        return uri.getPort() != -1 ? uri.getPort() : https() ? 443 : 80;
    }

    /** The host as the URL gives it, without IPv6 brackets: what goes into {@code Host}, SNI and the certificate check. */
    public String host() {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Path and query as sent in the request line ({@code /} when the URL has no path). */
    public String requestTarget() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    @Override
    public String toString() {
        return origin();
    }
}
