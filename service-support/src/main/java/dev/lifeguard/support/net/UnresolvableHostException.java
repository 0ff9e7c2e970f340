package dev.lifeguard.support.net;

/**
 * The URL's host does not resolve (now). Unlike the other refusals this may pass (a DNS outage), so a caller
 * checking again before a call may retry later rather than give up.
 */
public class UnresolvableHostException extends RejectedUrlException {

    public UnresolvableHostException(String reason) {
        super(reason);
    }
}
