package dev.lifeguard.deploy.service;

/** An idempotency key sent again with a different deployment: the client reused a key it must not. */
public class RequestKeyConflictException extends RuntimeException {

    public RequestKeyConflictException(String message) {
        super(message);
    }
}
