package dev.lifeguard.benchmark.footprint;

import java.util.List;
import java.util.Optional;

/**
 * Median and maximum of a few measurements (three rounds, one with {@code --quick}).
 *
 * @param count how many measurements
 */
record Summary(double median, double max, int count) {

    /** Empty when there is no measurement. */
    static Optional<Summary> of(List<Double> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        double median = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        return Optional.of(new Summary(median, sorted.get(sorted.size() - 1), sorted.size()));
    }
}
