package dev.lifeguard.launcher.deploy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The flags of {@code ./lifeguard deploy}: {@code --service S --env E --version V [--image I] [--commit C]
 * [--team T] [--change-url U] [--wait SECONDS]}, each also as {@code --flag=value}.
 *
 * @param waitFor how long to wait for deploy-service to show the version; zero: do not wait
 */
public record DeployOptions(String service, String environment, String version, String image, String commit,
                            String team, String changeUrl, Duration waitFor) {

    public static final String USAGE = "usage: ./lifeguard deploy --service S --env E --version V [--image I]"
            + " [--commit C] [--team T] [--change-url U] [--wait SECONDS]";
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    /** What deploy-service accepts as a service, environment or team name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String NAME_RULE = "1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /**
     * Reads the flags after the command word.
     *
     * @throws IllegalArgumentException naming the flag that is missing, unknown or not usable
     */
    public static DeployOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!Map.of("service", 1, "env", 1, "version", 1, "image", 1, "commit", 1, "team", 1, "change-url", 1,
                    "wait", 1).containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            if (flags.put(name, value.trim()) != null) {
                throw new IllegalArgumentException("--" + name + " is given twice");
            }
        }
        String service = name(flags, "service", true);
        String environment = name(flags, "env", true);
        String version = flags.get("version");
        if (version == null || version.isEmpty()) {
            throw new IllegalArgumentException("--version is required");
        }
        if (version.length() > 200) {
            throw new IllegalArgumentException("--version must be at most 200 characters");
        }
        String changeUrl = optional(flags, "change-url");
        if (changeUrl != null && !changeUrl.matches("(?i)https?://\\S{1,1990}")) {
            throw new IllegalArgumentException("--change-url must be an http(s) URL");
        }
        return new DeployOptions(service, environment, version, optional(flags, "image"), optional(flags, "commit"),
                name(flags, "team", false), changeUrl, waitOf(flags.get("wait")));
    }

    private static String name(Map<String, String> flags, String flag, boolean required) {
        String value = flags.get(flag);
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("--" + flag + " is required");
            }
            return null;
        }
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("--" + flag + " must be " + NAME_RULE + ": '" + value + "'");
        }
        return value;
    }

    private static String optional(Map<String, String> flags, String flag) {
        String value = flags.get(flag);
        return value == null || value.isEmpty() ? null : value;
    }

    private static Duration waitOf(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_WAIT;
        }
        try {
            long seconds = Long.parseLong(text);
            if (seconds >= 0 && seconds <= 3600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("--wait must be a number of seconds from 0 (do not wait) to 3600");
    }
}
