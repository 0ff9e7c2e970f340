package dev.lifeguard.benchmark.quality;

/**
 * One labelled deployment of the corpus, one metric, one sample a minute.
 *
 * @param id            position in the corpus
 * @param scenario      what was done to the new version
 * @param start         analysis start, epoch milliseconds
 * @param baseline      the stable version's values before the start, oldest first, the last one a minute before it
 * @param canary        the new version's value for each minute of the window; NaN = no sample that minute
 * @param stable        the stable version's value alongside for each minute (a canary rollout), or null (full replacement)
 * @param onset         the window minute the regression begins (0 for shifts; healthy: the window length)
 * @param nominalMean   the metric's level without seasonality or regression (the operator's threshold derives from it)
 * @param nominalSigma  the metric's noise
 */
public record SyntheticDeployment(int id, Scenario scenario, long start, double[] baseline, double[] canary, double[] stable,
                                  int onset, double nominalMean, double nominalSigma) {

    public int window() {
        return canary.length;
    }
}
