package dev.lifeguard.deploy.service;

/** A REST deployment that cannot be taken as asked: {@code status} 409 or 422, naming the request's {@code field}. */
public class RolloutRefusedException extends RuntimeException {

    private final int status;
    private final String field;

    public RolloutRefusedException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
