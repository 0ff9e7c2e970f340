package dev.lifeguard.launcher.demo;

import java.time.Duration;
import java.util.List;

/**
 * {@code ./lifeguard demo [--approval [--approval-wait SECONDS]]}: the plain demo, or the one whose rollback waits for
 * a person's approval. {@code approvalWait}: without a terminal to ask, how long the demo waits for an answer sent
 * with curl or {@code ./lifeguard rollback approve} before it approves as the demo's operator.
 */
public record DemoOptions(boolean approval, Duration approvalWait) {

    public static final Duration DEFAULT_APPROVAL_WAIT = Duration.ofSeconds(60);
    static final String USAGE = "usage: ./lifeguard demo [--approval [--approval-wait SECONDS]]";

    public static DemoOptions plain() {
        return new DemoOptions(false, DEFAULT_APPROVAL_WAIT);
    }

    /** @param args what follows {@code demo}; a bad one is an {@link IllegalArgumentException} (exit code 2) */
    public static DemoOptions parse(List<String> args) {
        boolean approval = false;
        Duration wait = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            if (arg.startsWith("--approval-wait=")) {
                value = arg.substring("--approval-wait=".length());
                arg = "--approval-wait";
            } else if (arg.equals("--approval-wait") && i + 1 < args.size()) {
                value = args.get(++i);
            }
            switch (arg) {
                case "--approval" -> approval = true;
                case "--approval-wait" -> wait = seconds(value);
                default -> throw new IllegalArgumentException("unknown demo option '" + arg + "'; " + USAGE);
            }
        }
        if (wait != null && !approval) {
            throw new IllegalArgumentException("--approval-wait goes with --approval; " + USAGE);
        }
        return new DemoOptions(approval, wait == null ? DEFAULT_APPROVAL_WAIT : wait);
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value == null ? "" : value.trim());
            if (seconds >= 1 && seconds <= 3600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("--approval-wait must be a number of seconds from 1 to 3600, not '"
                + value + "'");
    }
}
