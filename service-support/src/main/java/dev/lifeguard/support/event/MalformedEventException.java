package dev.lifeguard.support.event;

/** Input that can never be processed; the message is the reason recorded with the dead letter. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String reason) {
        super(reason);
    }

    public MalformedEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
