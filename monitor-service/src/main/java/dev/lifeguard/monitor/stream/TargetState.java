package dev.lifeguard.monitor.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine keeps about one target ({@code <service>/<environment>}): which version runs and which is
 * stable, the current or last analysis, and small bounded memories that make replays, duplicates and events that
 * overtake each other harmless. The stable version's baseline lives in its own store (it is bigger and changes less).
 */
public final class TargetState {

    static final int REMEMBERED_DEPLOYMENTS = 32;
    static final int REMEMBERED_SERIES = 512;
    static final int REMEMBERED_TIMESTAMPS = 16;

    public String service;
    public String environment;
    /** The version running now, as the last deployment or rollback said. */
    public String runningVersion;
    /** The version the next analysis compares against. */
    public String stableVersion;
    /** Metrics whose baseline is kept: those the target's last spec analyses. */
    public List<String> baselineMetrics = new ArrayList<>();
    public AnalysisState analysis;
    /** Deployments already seen (started or rolled back), newest last: a replayed event changes nothing. */
    public List<String> seenDeployments = new ArrayList<>();
    /** Step analyses already opened (their analysis ids, newest last): a step-started that comes again opens none. */
    public List<String> seenStepAnalyses = new ArrayList<>();
    /** Deployments whose rollout asked for a step analysis, newest last. */
    public List<String> rollingOut = new ArrayList<>();
    /** Deployments whose rollout ended (aborted, promoted, rolled back), newest last: a late step opens nothing. */
    public List<String> endedRollouts = new ArrayList<>();
    /** Rollbacks already applied (their ids, newest last): a rollback that comes again opens no second analysis. */
    public List<String> seenRollbacks = new ArrayList<>();
    /** Rollbacks of deployments not seen yet: the deployment starts rolled back when it arrives. */
    public Map<String, Long> earlyRollbacks = new LinkedHashMap<>();
    /**
     * Per series, the newest timestamps taken (ascending, at most {@link #REMEMBERED_TIMESTAMPS}): a sample with one of
     * them is a repeat; one older than all of them cannot be told from a repeat and is not taken either.
     */
    public Map<String, List<Long>> seriesTaken = new HashMap<>();
    /** Samples of versions no deployment announced yet, oldest first. */
    public List<TargetSample> early = new ArrayList<>();

    /** Versions of those deployments: their samples, once their analysis is over, are late. */
    public List<String> seenVersions = new ArrayList<>();

    public void seen(String deploymentId, String version) {
        remember(seenDeployments, deploymentId);
        remember(seenVersions, version);
    }

    /** A version that runs now (a canary beside the stable one): once its analysis is over, its samples are late. */
    public void seenVersion(String version) {
        remember(seenVersions, version);
    }

    /** True when the step analysis is new, and now remembered, as is its deployment's rollout. */
    public boolean stepAnalysisNew(String analysisId, String deploymentId) {
        remember(rollingOut, deploymentId);
        if (seenStepAnalyses.contains(analysisId)) {
            return false;
        }
        remember(seenStepAnalyses, analysisId);
        return true;
    }

    public void rolloutEnded(String deploymentId) {
        remember(endedRollouts, deploymentId);
    }

    /** True when the deployment is (or was) rolled out in steps and never took all traffic. */
    public boolean onlyRolledOut(String deploymentId) {
        return rollingOut.contains(deploymentId) && !seenDeployments.contains(deploymentId);
    }

    /** True when the rollback is new, and now remembered. */
    public boolean rollbackNew(String rollbackKey) {
        if (seenRollbacks.contains(rollbackKey)) {
            return false;
        }
        remember(seenRollbacks, rollbackKey);
        return true;
    }

    private static void remember(List<String> memory, String value) {
        memory.remove(value);
        memory.add(value);
        while (memory.size() > REMEMBERED_DEPLOYMENTS) {
            memory.remove(0);
        }
    }

    /**
     * True when the sample was not taken before, and is now remembered. Samples of one series may arrive out of
     * measurement order (two transports, retries) as long as they are among its newest {@link #REMEMBERED_TIMESTAMPS}.
     */
    public boolean advance(TargetSample sample) {
        if (!sample.dated()) {
            return true;
        }
        String series = sample.series();
        List<Long> taken = seriesTaken.get(series);
        if (taken == null) {
            if (seriesTaken.size() >= REMEMBERED_SERIES) {
                seriesTaken.keySet().removeIf(key -> !key.startsWith(currentVersionPrefix()));
            }
            taken = new ArrayList<>();
            seriesTaken.put(series, taken);
        }
        int position = java.util.Collections.binarySearch(taken, sample.at());
        if (position >= 0 || (taken.size() >= REMEMBERED_TIMESTAMPS && -position - 1 == 0)) {
            return false;
        }
        taken.add(-position - 1, sample.at());
        if (taken.size() > REMEMBERED_TIMESTAMPS) {
            taken.remove(0);
        }
        return true;
    }

    private String currentVersionPrefix() {
        return (analysis != null ? analysis.version : String.valueOf(runningVersion)) + '\u0000';
    }

    public boolean isEmpty() {
        return analysis == null && early.isEmpty() && earlyRollbacks.isEmpty();
    }
}
