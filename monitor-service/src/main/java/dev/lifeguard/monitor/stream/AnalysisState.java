package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * One deployment's analysis, running or ended, as kept in the engine's state store. Times in epoch milliseconds.
 * A deployment is analysed when it starts, and again each time a rollback makes it run again ({@link #rollbackId}).
 */
public final class AnalysisState {

    public String deploymentId;
    /** Set when a rollback restored this deployment: this is its analysis after that rollback, not its first. */
    public String rollbackId;
    /**
     * Set for the analysis of a rollout step (a canary pause, a blue-green preview): the step's index, and the id
     * deploy-service gave the analysis ({@code <deploymentId>#<stepIndex>}). Its version runs beside the stable one.
     */
    public Integer rolloutStep;
    public String stepAnalysisId;
    public String eventId;
    public String chainId;
    public String artifactId;
    public String version;
    public String stableVersion;
    public long startedAt;
    public long endsAt;
    public long intervalMillis;
    public int minSamples;
    public int inconclusiveLimit;

    public Outcome outcome = Outcome.RUNNING;
    public String reason;
    /** failure, window, superseded, rollback or provider-errors. */
    public String endedBy;
    public Long endedAt;
    public long samples;
    /** Grows with every published snapshot, so the read model keeps the newest. */
    public long revision;
    public String anomalyId;
    public List<MetricTrack> metrics = new ArrayList<>();

    /**
     * Identifies this analysis among all of the deployment's: the deployment id for its first (full-traffic) one, the
     * deployment id and the rollback's id for one after a rollback, the step's analysis id for a rollout step's. Event
     * and anomaly ids derive from it.
     */
    public String analysisId() {
        return stepAnalysisId != null ? stepAnalysisId : analysisId(deploymentId, rollbackId);
    }

    public static String stepAnalysisId(String deploymentId, int stepIndex) {
        return deploymentId + "#" + stepIndex;
    }

    public boolean stepAnalysis() {
        return rolloutStep != null;
    }

    public static String analysisId(String deploymentId, String rollbackId) {
        return rollbackId == null ? deploymentId : deploymentId + "@" + rollbackId;
    }

    public boolean reanalysis() {
        return rollbackId != null;
    }

    public boolean running() {
        return outcome == Outcome.RUNNING;
    }

    public MetricTrack track(String metric) {
        for (MetricTrack track : metrics) {
            if (track.metric.equals(metric)) {
                return track;
            }
        }
        return null;
    }

    /** The interval a time falls in, counted from the start (negative before it). */
    public long intervalIndex(long at) {
        return Math.floorDiv(at - startedAt, intervalMillis);
    }
}
