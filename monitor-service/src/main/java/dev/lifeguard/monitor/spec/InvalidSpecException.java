package dev.lifeguard.monitor.spec;

/** An analysis spec breaks a rule; {@code field} is the JSON path of the offending field, e.g. {@code metrics[0].max}. */
public class InvalidSpecException extends RuntimeException {

    private final String field;

    public InvalidSpecException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
