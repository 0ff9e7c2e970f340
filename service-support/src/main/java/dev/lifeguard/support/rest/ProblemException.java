package dev.lifeguard.support.rest;

/**
 * A request that cannot be served, answered as RFC 9457 {@code application/problem+json}.
 * {@code field} names the offending input (a JSON path or a parameter name) when there is one.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ProblemException(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ProblemException invalidField(String field, String detail) {
        return new ProblemException(400, "Invalid request", detail, field);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
