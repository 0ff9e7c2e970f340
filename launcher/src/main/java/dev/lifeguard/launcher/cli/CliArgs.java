package dev.lifeguard.launcher.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line split into its positional words and its {@code --flag value} / {@code --flag=value} options, checked
 * against the flags a command knows. Errors are {@link IllegalArgumentException}s worded for people (bad usage).
 */
record CliArgs(List<String> positional, Map<String, String> options, boolean help) {

    /**
     * @param valued  the flags that take a value
     * @param aliases alternative spellings, e.g. {@code --env} for {@code --environment}
     */
    static CliArgs parse(List<String> args, Set<String> valued, Map<String, String> aliases) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CliArgs(positional, options, true);
            }
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            flag = aliases.getOrDefault(flag, flag);
            if (!valued.contains(flag)) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            if (value == null && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (options.put(flag, value.trim()) != null) {
                throw new IllegalArgumentException(flag + " is given twice");
            }
        }
        return new CliArgs(positional, options, false);
    }

    String get(String flag) {
        return options.get(flag);
    }

    boolean has(String flag) {
        return options.containsKey(flag);
    }

    String require(String flag, String why) {
        String value = options.get(flag);
        if (value == null) {
            throw new IllegalArgumentException("missing " + flag + " (" + why + ")");
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}, or null when the flag is absent. */
    Integer integer(String flag, int min, int max) {
        String value = options.get(flag);
        if (value == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(flag + " must be a whole number from " + min + " to " + max + ", not '"
                + value + "'");
    }

    /** {@code true} or {@code false}, or null when the flag is absent. */
    Boolean bool(String flag) {
        String value = options.get(flag);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException(flag + " must be true or false, not '" + value + "'");
        };
    }
}
