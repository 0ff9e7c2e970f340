package dev.lifeguard.launcher.demo;

/** A step of the demo did not happen (in time); the message says which and where to look. */
public class DemoFailure extends RuntimeException {

    public DemoFailure(String message) {
        super(message);
    }

    public DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
