package dev.lifeguard.launcher.platform;

import java.time.Duration;
import java.util.Map;

/** Reads typed values from environment variables; errors name the variable. */
public final class Env {

    private Env() {
    }

    public static int port(Map<String, String> environment, String variable, int fallback) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be a port number (1-65535), not '" + value + "'");
    }

    /** A whole number of seconds, e.g. {@code 120}. */
    public static Duration seconds(Map<String, String> environment, String variable, Duration fallback) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be a positive number of seconds, not '" + value + "'");
    }
}
