package dev.lifeguard.support.net;

/** An outbound URL Lifeguard will not call; the message says why, without repeating the URL's path or query. */
public class RejectedUrlException extends RuntimeException {

    public RejectedUrlException(String reason) {
        super(reason);
    }
}
