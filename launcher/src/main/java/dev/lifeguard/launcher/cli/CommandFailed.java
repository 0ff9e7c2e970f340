package dev.lifeguard.launcher.cli;

/** A request a service refused or could not answer; the message says why, for people (exit code 1). */
final class CommandFailed extends RuntimeException {

    CommandFailed(String message) {
        super(message);
    }
}
