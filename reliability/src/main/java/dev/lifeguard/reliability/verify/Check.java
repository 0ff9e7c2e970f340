package dev.lifeguard.reliability.verify;

import java.util.List;

/**
 * One row of the result table.
 *
 * @param awaited true when the platform may still get there by processing what it has (a missing rollback, a
 *                record still in flight): convergence waits for these; a duplicate never goes away, so safety checks
 *                are not awaited
 * @param details the first offenders, to say exactly what failed
 */
public record Check(String name, String expected, String actual, Result result, boolean awaited, List<String> details) {

    /** PASS and FAIL are asserted; INFO rows report what the contract allows (at-least-once re-sends). */
    public enum Result { PASS, FAIL, INFO }

    static final int MAX_DETAILS = 8;

    static Check of(String name, String expected, String actual, boolean passed, boolean awaited,
                    List<String> offenders) {
        List<String> details = offenders.size() <= MAX_DETAILS ? List.copyOf(offenders)
                : List.copyOf(offenders.subList(0, MAX_DETAILS));
        return new Check(name, expected, actual, passed ? Result.PASS : Result.FAIL, awaited, details);
    }

    static Check info(String name, String expected, String actual, List<String> details) {
        return new Check(name, expected, actual, Result.INFO, false,
                details.size() <= MAX_DETAILS ? List.copyOf(details) : List.copyOf(details.subList(0, MAX_DETAILS)));
    }

    public boolean failed() {
        return result == Result.FAIL;
    }
}
