package dev.lifeguard.benchmark.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates the labelled corpus. Each deployment draws from its own generator seeded by (seed, id), so deployment
 * 17 is the same whether the corpus holds 50 or 5,000 deployments.
 */
public final class Corpus {

    public static final long MINUTE = 60_000;
    public static final int BASELINE_SAMPLES = 120;
    public static final int SHORT_BASELINE_SAMPLES = 10;
    public static final int TOO_FEW_SAMPLES = 6;
    /** Daily swing of seasonal metrics, relative to the mean. */
    public static final double SEASONAL_AMPLITUDE = 0.2;
    /** 2026-12-01T00:00:00Z: deployments fall on the following days, at any minute of the day. */
    static final long EPOCH = 1_796_083_200_000L;

    private Corpus() {
    }

    public static List<SyntheticDeployment> generate(long seed, int deployments) {
        List<SyntheticDeployment> corpus = new ArrayList<>(deployments);
        for (int id = 0; id < deployments; id++) {
            corpus.add(deployment(seed, id));
        }
        return corpus;
    }

    static SyntheticDeployment deployment(long seed, int id) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
        Scenario scenario = Scenario.MIX[id % Scenario.MIX.length];
        double mean = 50 + 450 * random.nextDouble();
        double sigma = mean * (0.05 + 0.2 * random.nextDouble());
        int window = random.nextBoolean() ? 30 : 60;
        boolean alongside = random.nextBoolean();
        long start = EPOCH + (id / 96) * 86_400_000L + random.nextLong(1440) * MINUTE;
        boolean seasonal = scenario == Scenario.SEASONAL || scenario == Scenario.SEASONAL_SHIFT;
        boolean heavy = scenario == Scenario.HEAVY_NOISE;

        int baselineSize = scenario == Scenario.SHORT_BASELINE ? SHORT_BASELINE_SAMPLES : BASELINE_SAMPLES;
        double[] baseline = new double[baselineSize];
        for (int i = 0; i < baselineSize; i++) {
            long at = start - (baselineSize - i) * MINUTE;
            baseline[i] = level(mean, at, seasonal) + noise(random, sigma, heavy);
        }

        int onset = switch (scenario) {
            case STEP -> 5 + random.nextInt(window / 2 - 5 + 1);
            default -> scenario.anomalous() ? 0 : window;
        };
        double[] canary = new double[window];
        double[] stable = alongside ? new double[window] : null;
        boolean missing = false;
        for (int j = 0; j < window; j++) {
            long at = start + j * MINUTE;
            double level = level(mean, at, seasonal);
            if (alongside) {
                stable[j] = level + noise(random, sigma, heavy);
            }
            double value = level + noise(random, sigma, heavy);
            canary[j] = regress(scenario, value, j, onset, sigma);
            if (scenario == Scenario.GAPS) {
                // bursts: a gap goes on with probability 0.7, one starts with probability 0.15 (~33% missing)
                missing = missing ? random.nextDouble() < 0.7 : random.nextDouble() < 0.15;
                if (missing) {
                    canary[j] = Double.NaN;
                }
            }
            if (scenario == Scenario.TOO_FEW_SAMPLES && j >= TOO_FEW_SAMPLES) {
                canary[j] = Double.NaN;
            }
        }
        return new SyntheticDeployment(id, scenario, start, baseline, canary, stable, onset, mean, sigma);
    }

    private static double regress(Scenario scenario, double value, int minute, int onset, double sigma) {
        return switch (scenario) {
            case SHIFT_HALF_SIGMA -> value + 0.5 * sigma;
            case SHIFT_ONE_SIGMA -> value + sigma;
            case SHIFT_TWO_SIGMA, SEASONAL_SHIFT -> value + 2 * sigma;
            case SHIFT_FIVE_TIMES -> value * 5;
            case STEP -> minute >= onset ? value + 3 * sigma : value;
            case RAMP -> value + 0.1 * sigma * minute;
            default -> value;
        };
    }

    /** The metric's level at a time: flat, or following the time of day (24 h period, peak at 18:00 UTC). */
    static double level(double mean, long at, boolean seasonal) {
        if (!seasonal) {
            return mean;
        }
        double hours = Math.floorMod(at, 86_400_000L) / 3_600_000.0;
        return mean * (1 + SEASONAL_AMPLITUDE * Math.sin(2 * Math.PI * (hours - 12) / 24));
    }

    private static double noise(SplittableRandom random, double sigma, boolean heavy) {
        double z = gaussian(random);
        if (!heavy) {
            return sigma * z;
        }
        // Student-t with 3 degrees of freedom: same scale, far heavier tails (occasional 5-10σ spikes)
        double chi = 0;
        for (int i = 0; i < 3; i++) {
            double g = gaussian(random);
            chi += g * g;
        }
        return sigma * z / Math.sqrt(chi / 3);
    }

    /** Box-Muller: the same numbers on every JDK, unlike RandomGenerator.nextGaussian's unspecified algorithm. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
