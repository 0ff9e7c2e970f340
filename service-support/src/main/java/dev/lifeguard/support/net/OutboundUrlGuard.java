package dev.lifeguard.support.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Vets URLs before Lifeguard calls them, so whoever configures a URL cannot make Lifeguard call into its own network
 * (SSRF): https only (http too when private networks are allowed, for local use), no user info, a host, and every
 * address the host resolves to judged by {@link AddressRules}: internal addresses are refused unless private networks
 * are allowed, cloud metadata addresses always.
 * <p>
 * {@link #check} resolves the host once and returns the vetted addresses; a {@link PinnedHttpClient} connects to
 * exactly those (a second resolution by the HTTP client could answer differently: DNS rebinding). Callers check
 * again before each call, because DNS answers change, and never follow redirects, which could lead past the check.
 * {@link #validate} is the lighter check for when a URL is stored.
 * <p>
 * Not a CDI bean: each service builds one from its own setting ({@code allowSetting} is that setting's name, shown
 * in refusals so an operator knows what to change).
 */
public class OutboundUrlGuard {

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final int MAX_LENGTH = 2000;
    /** Dotted-quad and IPv6 literals are parsed, not looked up (both forms {@link InetAddress} parses itself). */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

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

    /**
     * Before a call: the URL with the addresses to connect to, or {@link RejectedUrlException} saying what is wrong
     * ({@link UnresolvableHostException} when the host does not resolve now, which may pass).
     */
    public VettedUrl check(String url) {
        URI uri = shape(url);
        return new VettedUrl(uri, vetAddresses(uri));
    }

    /**
     * When a URL is stored: like {@link #check}, except that with private networks allowed a host that does not
     * resolve yet passes (a local container that is not up); every call checks again anyway.
     */
    public URI validate(String url) {
        URI uri = shape(url);
        try {
            vetAddresses(uri);
        } catch (UnresolvableHostException e) {
            if (!allowPrivateNetwork) {
                throw e;
            }
        }
        return uri;
    }

    /** Scheme, host and port: safe to show and log, as the path or query may carry a token. */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    private URI shape(String url) {
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
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RejectedUrlException(allowPrivateNetwork ? "the URL must use http or https"
                    : "the URL must use https");
        }
        if (scheme.equals("http") && !allowPrivateNetwork) {
            throw new RejectedUrlException("the URL must use https (plain http only when private networks are"
                    + " allowed for local use" + (allowSetting == null ? ")" : ", " + allowSetting + "=true)"));
        }
        if (uri.getRawUserInfo() != null) {
            throw new RejectedUrlException("the URL must not contain user info (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RejectedUrlException("the URL must name a host");
        }
        return uri;
    }

    private List<InetAddress> vetAddresses(URI uri) {
        String host = uri.getHost();
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = IP_LITERAL.matcher(bareHost).matches()
                    ? new InetAddress[] {InetAddress.getByName(bareHost)}
                    : resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new UnresolvableHostException("host '" + host + "' does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnresolvableHostException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            AddressRules.Verdict verdict = AddressRules.judge(address);
            if (verdict.kind() == AddressRules.Kind.METADATA) {
                throw new RejectedUrlException("host '" + host + "' resolves to " + address.getHostAddress() + ", "
                        + verdict.reason() + ", which Lifeguard never calls");
            }
            if (verdict.kind() == AddressRules.Kind.INTERNAL && !allowPrivateNetwork) {
                throw new RejectedUrlException("host '" + host + "' resolves to the non-public address "
                        + address.getHostAddress() + ": " + verdict.reason()
                        + (allowSetting == null ? "" : " (set " + allowSetting + "=true to allow it)"));
            }
        }
        return List.of(addresses);
    }

    /** Loopback, unspecified, private, CGNAT, link-local, unique-local, multicast, metadata, ... (see {@link AddressRules}). */
    public static boolean isInternal(InetAddress address) {
        return AddressRules.isInternal(address);
    }
}
