package dev.lifeguard.launcher.platform;

/** The platform could not be started or stopped; the message names the component and its log file. */
public class PlatformException extends RuntimeException {

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
