package dev.lifeguard.monitor.detector;

/**
 * The samples of one version in one analysis interval, aggregated: {@code index} counts intervals from the start of
 * the analysis (negative for the baseline before it).
 */
public final class IntervalStats {

    public long index;
    public long count;
    public double sum;

    public IntervalStats() {
    }

    public IntervalStats(long index) {
        this.index = index;
    }

    public void add(double value) {
        count++;
        sum += value;
    }

    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }
}
