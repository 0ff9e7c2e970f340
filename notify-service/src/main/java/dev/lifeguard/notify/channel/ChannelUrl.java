package dev.lifeguard.notify.channel;

import java.net.URI;

/**
 * Where a channel's messages go. A Slack incoming-webhook URL carries its secret in the path, so
 * {@link #toString()} and {@link #masked()} show only scheme and host; {@link #redact(String)} scrubs
 * the URL out of error texts before they are logged or stored.
 */
public record ChannelUrl(URI uri) {

    public String masked() {
        return uri.getScheme() + "://" + uri.getHost() + "/***";
    }

    /** Scheme, host and port: the unit a circuit breaker protects. Holds no secret. */
    public String origin() {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text.replace(uri.toString(), masked());
        String path = uri.getRawPath();
        return path == null || path.length() < 2 ? redacted : redacted.replace(path, "/***");
    }

    @Override
    public String toString() {
        return masked();
    }
}
