package dev.lifeguard.monitor.provider;

/**
 * What a pull gave: a finite value, or an error (query refused, server unreachable, empty result, NaN, several
 * series). Either way {@code query} is the query as run and {@code result} a short rendering of the answer, for
 * the evidence.
 */
public record PullResult(Double value, String query, String result, String error) {

    public static PullResult value(double value, String query, String result) {
        return new PullResult(value, query, result, null);
    }

    public static PullResult failure(String query, String error) {
        return new PullResult(null, query, null, error);
    }

    public boolean failed() {
        return error != null;
    }
}
