package dev.lifeguard.launcher.demo;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/** Prints the demo's steps as they happen, each with the time since the start and since the previous step. */
public final class StepLog {

    static final String CONTINUATION = " ".repeat(24);

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long previousNanos;

    public StepLog(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.previousNanos = startNanos;
    }

    /** A step: timed, and the reference for the next step's "since previous". */
    public synchronized void step(String text) {
        long now = nanoClock.getAsLong();
        out.println(format((now - startNanos) / 1_000_000, (now - previousNanos) / 1_000_000, text));
        out.flush();
        previousNanos = now;
    }

    /** Untimed lines below the last step. */
    public synchronized void detail(String text) {
        for (String line : text.split("\n", -1)) {
            out.println(CONTINUATION + line);
        }
        out.flush();
    }

    /** Plain text, e.g. a heading or the post-mortem. */
    public synchronized void plain(String text) {
        out.println(text);
        out.flush();
    }

    public long elapsedMillis() {
        return (nanoClock.getAsLong() - startNanos) / 1_000_000;
    }

    /** {@code [  1234 ms | +  56 ms] text}, later lines of a multi-line text aligned under the first. */
    static String format(long totalMillis, long sinceMillis, String text) {
        String prefix = String.format("[%6d ms | +%5d ms] ", totalMillis, sinceMillis);
        return prefix + text.replace("\n", "\n" + CONTINUATION);
    }
}
