package dev.lifeguard.deploy.executor;

/** The rollback cannot succeed as configured (refused, missing resource): it fails at once, without retries. */
public class ExecutionFailedException extends RuntimeException {

    public ExecutionFailedException(String message) {
        super(message);
    }

    public ExecutionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
