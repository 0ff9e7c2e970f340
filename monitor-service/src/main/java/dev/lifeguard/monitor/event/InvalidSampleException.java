package dev.lifeguard.monitor.event;

import dev.lifeguard.support.event.MalformedEventException;

/** A metrics record or request that breaks the metric-sample contract; {@code field} is a path like {@code [2].value}. */
public class InvalidSampleException extends MalformedEventException {

    private final String field;

    public InvalidSampleException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    /** Null when the input as a whole is wrong. */
    public String field() {
        return field;
    }
}
