package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Outcome;

import java.util.ArrayList;
import java.util.List;

/** One deployment's analysis, running or ended, as kept in the engine's state store. Times in epoch milliseconds. */
public final class AnalysisState {

    public String deploymentId;
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
