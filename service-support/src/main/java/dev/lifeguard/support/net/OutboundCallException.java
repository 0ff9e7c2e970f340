package dev.lifeguard.support.net;

/**
 * A call through the {@link PinnedHttpClient} that got no (complete) answer. The message names the origin and what
 * went wrong, never the URL's path or query.
 */
public class OutboundCallException extends Exception {

    /** What went wrong, for callers that word it their own way or decide whether to retry. */
    public enum Kind {
        /** No connection within the connect timeout. */
        CONNECT_TIMEOUT,
        /** The connection was refused, reset or could not be made. */
        CONNECT_FAILED,
        /** The TLS handshake failed: an untrusted certificate, or one for another host. */
        TLS,
        /** Connected, but no complete answer within the timeout. */
        TIMEOUT,
        /** The connection broke during the exchange. */
        IO
    }

    private final Kind kind;

    public OutboundCallException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
