package dev.lifeguard.deploy.executor;

/** The platform could not be asked or did not answer usefully now; the same call is retried with backoff. */
public class TransientExecutionException extends RuntimeException {

    public TransientExecutionException(String message) {
        super(message);
    }

    public TransientExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
