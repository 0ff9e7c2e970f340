package dev.lifeguard.monitor.detector;

/** Count, mean, variance (Welford), min and max of a stream of values, in constant space. Public fields: state is serialised as JSON. */
public final class RunningStats {

    public long count;
    public double mean;
    public double m2;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;

    public void add(double value) {
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** Sample variance; 0 with fewer than two values. */
    public double variance() {
        return count < 2 ? 0 : m2 / (count - 1);
    }

    public double standardDeviation() {
        return Math.sqrt(variance());
    }
}
