package dev.lifeguard.notify.channel;

/** A channel URL Lifeguard will not call; the message says why, without repeating the URL. */
public class RejectedChannelUrlException extends RuntimeException {

    public RejectedChannelUrlException(String reason) {
        super(reason);
    }
}
