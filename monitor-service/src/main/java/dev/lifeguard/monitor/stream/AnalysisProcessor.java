package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.detector.Baseline;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.IntervalStats;
import dev.lifeguard.monitor.detector.Judgement;
import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.monitor.spec.AnalysisPlan;
import dev.lifeguard.monitor.spec.MetricPlan;
import dev.lifeguard.monitor.stream.EngineMetrics.SampleOutcome;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The analysis engine, one instance per stream task (so per set of partitions): takes deployment changes and
 * samples of its targets in partition order, keeps each target's analysis in the {@code targets} store, and closes
 * windows on wall-clock punctuation. Everything it emits (verdicts, anomalies, progress) leaves in the same Kafka
 * transaction as the state change that caused it (exactly_once_v2), so a crash neither loses nor repeats a verdict.
 */
final class AnalysisProcessor implements Processor<String, AnalysisInput, String, Outbound> {

    private static final Logger LOG = Logger.getLogger(AnalysisProcessor.class);
    private static final String DEADLINE_WINDOW = "w";
    private static final String DEADLINE_EARLY = "e";

    private final EngineContext engine;
    private ProcessorContext<String, Outbound> context;
    private KeyValueStore<String, TargetState> targets;
    private KeyValueStore<String, BaselineValues> baselines;
    private KeyValueStore<String, String> deadlines;
    private KeyValueStore<String, PullPlan> pulls;
    private TimestampedKeyValueStore<String, String> specs;
    /** Targets whose progress changed since the last snapshot; lost in a crash, which only delays a snapshot. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** When each target's progress was last published (wall clock), to publish running progress at most every interval. */
    private final Map<String, Long> publishedAt = new HashMap<>();

    AnalysisProcessor(EngineContext engine) {
        this.engine = engine;
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        this.context = context;
        this.targets = context.getStateStore(AnalysisTopology.TARGETS_STORE);
        this.baselines = context.getStateStore(AnalysisTopology.BASELINES_STORE);
        this.deadlines = context.getStateStore(AnalysisTopology.DEADLINES_STORE);
        this.pulls = context.getStateStore(AnalysisTopology.PULLS_STORE);
        this.specs = context.getStateStore(AnalysisTopology.SPECS_STORE);
        context.schedule(engine.config().tick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
        // Which progress was not yet published lives only in memory: after a crash or a partition move, publish every
        // running analysis of this task once, so the read model never stays behind the restored state.
        try (KeyValueIterator<String, TargetState> all = targets.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.analysis != null && entry.value.analysis.running()) {
                    dirty.add(entry.key);
                }
            });
        }
    }

    @Override
    public void process(Record<String, AnalysisInput> record) {
        long now = context.currentSystemTimeMs();
        if (record.value().deployment() != null) {
            DeploymentChange change = record.value().deployment();
            switch (change.kind()) {
                case STARTED -> started(change, now);
                case ROLLED_BACK -> rolledBack(change, now);
                case STEP_STARTED -> stepStarted(change, now);
                case ROLLOUT_ABORTED, ROLLOUT_PROMOTED -> rolloutEnded(change, now);
            }
        } else {
            samples(record.value().samples(), now);
        }
    }

    // ---- deployments -------------------------------------------------------------------------------------------

    private void started(DeploymentChange deployment, long now) {
        String target = deployment.target();
        TargetState state = targets.get(target);
        if (state == null) {
            state = new TargetState();
            state.service = deployment.service();
            state.environment = deployment.environment();
        }
        if (state.seenDeployments.contains(deployment.deploymentId())) {
            LOG.debugf("Deployment %s of %s seen before: nothing to do", deployment.deploymentId(), target);
            return;
        }
        state.seen(deployment.deploymentId(), deployment.version());
        AnalysisState previous = state.analysis;
        if (previous != null && deployment.at() < previous.startedAt) {
            // An event that overtook a newer one: that deployment was replaced before this one was heard of.
            LOG.infof("Deployment %s of %s (%s) is older than the analysed %s: not analysed", deployment.deploymentId(),
                    target, deployment.version(), previous.version);
            Long rolledBackAt = state.earlyRollbacks.remove(deployment.deploymentId());
            if (rolledBackAt != null) {
                // Its rollback came first and opened the restored version's analysis, which goes on; this deployment
                // still gets its verdict, as it would have in order.
                AnalysisState replaced = prepare(target, deployment, stableFor(state, deployment, previous));
                conclude(state, replaced, Outcome.INCONCLUSIVE, "rollback", rolledBackBeforeWindowClosed(rolledBackAt), now);
                forwardProgress(state, replaced);
            }
            targets.put(target, state);
            return;
        }
        if (previous != null && previous.running()) {
            end(state, previous, Outcome.INCONCLUSIVE, "superseded", "superseded by deployment "
                    + deployment.deploymentId() + " (" + deployment.version() + ") before its window closed", now);
            forwardProgress(state, previous);
        }
        AnalysisState analysis = prepare(target, deployment, stableFor(state, deployment, previous));
        open(state, analysis);
        Long rolledBackAt = state.earlyRollbacks.remove(deployment.deploymentId());
        if (rolledBackAt != null) {
            end(state, analysis, Outcome.INCONCLUSIVE, "rollback", rolledBackBeforeWindowClosed(rolledBackAt), now);
        } else {
            replayEarlySamples(state, now);
        }
        publish(state, analysis);
        targets.put(target, state);
    }

    private static String stableFor(TargetState state, DeploymentChange deployment, AnalysisState previous) {
        if (deployment.stableVersion() != null) {
            return deployment.stableVersion();
        }
        if (previous != null && previous.stepAnalysis()) {
            // a canary that passed a step is not stable yet: the version it ran beside still is
            return previous.stableVersion != null ? previous.stableVersion : state.runningVersion;
        }
        return previous != null && previous.outcome == Outcome.PASSED ? previous.version : state.runningVersion;
    }

    // ---- rollouts ----------------------------------------------------------------------------------------------

    /**
     * A rollout step asks for an analysis of the new version beside the stable one, under the step's analysis id and
     * window. It is not the deployment's full-traffic analysis: the deployment stays unseen, so its promotion
     * ({@code service.upgraded}) opens that one. A newer step (or deployment) supersedes it; a step older than the
     * analysis in progress, or of a rollout that already ended, opens none.
     */
    private void stepStarted(DeploymentChange step, long now) {
        String target = step.target();
        TargetState state = targets.get(target);
        if (state == null) {
            state = new TargetState();
            state.service = step.service();
            state.environment = step.environment();
        }
        DeploymentChange.Rollout rollout = step.rollout();
        String analysisId = rollout.analysisId();
        if (!state.stepAnalysisNew(analysisId, step.deploymentId())) {
            LOG.debugf("Step analysis %s of %s seen before: nothing to do", analysisId, target);
            targets.put(target, state);
            return;
        }
        AnalysisState previous = state.analysis;
        String ignored = state.endedRollouts.contains(step.deploymentId())
                ? "its rollout has already ended"
                : state.seenDeployments.contains(step.deploymentId()) ? "the deployment already takes all traffic"
                : previous != null && step.at() < previous.startedAt
                ? "it is older than the analysis " + previous.analysisId() + " of " + previous.version : null;
        if (ignored != null) {
            LOG.infof("Step %d of deployment %s (%s, %s) not analysed: %s", rollout.stepIndex(), step.deploymentId(),
                    target, step.version(), ignored);
            targets.put(target, state);
            return;
        }
        if (previous != null && previous.running()) {
            String by = step.deploymentId().equals(previous.deploymentId) ? "step " + rollout.stepIndex()
                    : "step " + rollout.stepIndex() + " of deployment " + step.deploymentId() + " (" + step.version() + ")";
            end(state, previous, Outcome.INCONCLUSIVE, "superseded", "superseded by " + by + " before its window closed",
                    now);
            forwardProgress(state, previous);
        }
        String stable = step.stableVersion() != null ? step.stableVersion()
                : previous != null && previous.stepAnalysis() ? previous.stableVersion : state.runningVersion;
        AnalysisState analysis = prepare(target, step, stable, rollout.windowMillis());
        analysis.rolloutStep = rollout.stepIndex();
        analysis.stepAnalysisId = analysisId;
        state.seenVersion(step.version());
        open(state, analysis);
        replayEarlySamples(state, now);
        publish(state, analysis);
        targets.put(target, state);
    }

    /**
     * The rollout was aborted (traffic back to stable) or promoted (the new version takes all traffic and gets its
     * full analysis next): a running analysis of one of its steps ends, inconclusive.
     */
    private void rolloutEnded(DeploymentChange change, long now) {
        String target = change.target();
        TargetState state = targets.get(target);
        if (state == null) {
            state = new TargetState();
            state.service = change.service();
            state.environment = change.environment();
        }
        state.rolloutEnded(change.deploymentId());
        AnalysisState analysis = state.analysis;
        if (analysis != null && analysis.running() && analysis.stepAnalysis()
                && analysis.deploymentId.equals(change.deploymentId())) {
            boolean aborted = change.kind() == DeploymentChange.Kind.ROLLOUT_ABORTED;
            String reason = aborted
                    ? "rollout of " + change.version() + " aborted before its window closed"
                    + (change.rollout().reason() != null ? ": " + change.rollout().reason() : "")
                    : "rollout of " + change.version() + " promoted before its window closed";
            end(state, analysis, Outcome.INCONCLUSIVE, aborted ? "rollback" : "superseded", reason, now);
            publish(state, analysis);
        }
        targets.put(target, state);
    }

    /**
     * The rollback that aborted a rollout: traffic went back to the stable version, which never stopped running, so
     * nothing is analysed again; a running analysis of the rollout's step ends.
     */
    private void rolloutRolledBack(TargetState state, DeploymentChange rollback, long now) {
        state.rolloutEnded(rollback.deploymentId());
        AnalysisState analysis = state.analysis;
        if (analysis != null && analysis.running() && analysis.stepAnalysis()
                && analysis.deploymentId.equals(rollback.deploymentId())) {
            end(state, analysis, Outcome.INCONCLUSIVE, "rollback", "rollout aborted: traffic back to "
                    + (rollback.version() != null ? rollback.version() : "the stable version") + " by rollback "
                    + rollback.rollbackKey() + " before its window closed", now);
            publish(state, analysis);
        }
        LOG.infof("Rollback %s of %s ended the rollout of deployment %s: the stable version never stopped, nothing is "
                + "analysed again", rollback.rollbackKey(), rollback.target(), rollback.deploymentId());
    }

    private static String rolledBackBeforeWindowClosed(long rolledBackAt) {
        return "rolled back at " + Instant.ofEpochMilli(rolledBackAt) + " before its window closed";
    }

    /**
     * A rollback ends the rolled-back deployment's analysis and opens one of the version that runs again, under the
     * restored deployment's id and the rollback's: that deployment becomes stable again only if it passes. Applied
     * once per rollback id; a rollback older than the analysis in progress (a newer deployment came since) opens none.
     */
    private void rolledBack(DeploymentChange rollback, long now) {
        String target = rollback.target();
        TargetState state = targets.get(target);
        if (state == null) {
            state = new TargetState();
            state.service = rollback.service();
            state.environment = rollback.environment();
        }
        if (!state.rollbackNew(rollback.rollbackKey())) {
            LOG.debugf("Rollback %s of %s seen before: nothing to do", rollback.rollbackKey(), target);
            return;
        }
        if (rollback.abortedRollout() || state.onlyRolledOut(rollback.deploymentId())) {
            rolloutRolledBack(state, rollback, now);
            targets.put(target, state);
            return;
        }
        AnalysisState analysis = state.analysis;
        boolean ofAnalysed = analysis != null && analysis.deploymentId.equals(rollback.deploymentId());
        if (ofAnalysed) {
            if (rollback.version() != null) {
                state.runningVersion = rollback.version();
            }
            if (analysis.running()) {
                end(state, analysis, Outcome.INCONCLUSIVE, "rollback", rolledBackBeforeWindowClosed(rollback.at()), now);
                publish(state, analysis);
            }
        } else if (!state.seenDeployments.contains(rollback.deploymentId())) {
            state.earlyRollbacks.put(rollback.deploymentId(), rollback.at());
            while (state.earlyRollbacks.size() > TargetState.REMEMBERED_DEPLOYMENTS) {
                state.earlyRollbacks.remove(state.earlyRollbacks.keySet().iterator().next());
            }
            deadlines.put(deadline(DEADLINE_EARLY, now + engine.config().earlySamplesTtl().toMillis(), target), target);
            LOG.infof("Rollback of deployment %s (%s) arrived before the deployment: applied when it arrives",
                    rollback.deploymentId(), target);
        }
        if (rollback.version() == null) {
            LOG.warnf("Rollback %s of %s names no version that runs again (no 'toVersion'): nothing to analyse",
                    rollback.rollbackKey(), target);
        } else if (analysis != null && !ofAnalysed && rollback.at() < analysis.startedAt) {
            LOG.infof("Rollback %s of %s is older than the analysis of %s (deployment %s): %s is not analysed again",
                    rollback.rollbackKey(), target, analysis.version, analysis.deploymentId, rollback.version());
        } else {
            reanalyse(state, rollback, now);
        }
        targets.put(target, state);
    }

    private void reanalyse(TargetState state, DeploymentChange rollback, long now) {
        String target = rollback.target();
        AnalysisState previous = state.analysis;
        if (previous != null && previous.running()) {
            end(state, previous, Outcome.INCONCLUSIVE, "superseded", "superseded by rollback " + rollback.rollbackKey()
                    + " (deployment " + rollback.deploymentId() + " rolled back to " + rollback.version()
                    + ") before its window closed", now);
            publish(state, previous);
        }
        String restoredId = rollback.restoredDeploymentId();
        if (restoredId == null) {
            restoredId = "restored-by-" + rollback.rollbackKey();
            LOG.warnf("Rollback %s of %s does not name the restored deployment (no 'restoredDeploymentId': an event "
                    + "from an older deploy-service): %s is analysed as deployment %s", rollback.rollbackKey(), target,
                    rollback.version(), restoredId);
        }
        String chainId = rollback.chainId() != null ? rollback.chainId()
                : previous != null && previous.chainId != null ? previous.chainId : rollback.eventId();
        String artifactId = rollback.artifactId() != null ? rollback.artifactId()
                : "pkg:generic/" + rollback.service() + "@" + rollback.version();
        // No other version runs to compare with: the restored version is judged against its own samples from before
        // the rollback (the stable version's baseline, kept while the rolled-back version ran and after it failed).
        DeploymentChange restored = DeploymentChange.started(rollback.eventId(), chainId, restoredId, rollback.service(),
                rollback.environment(), rollback.version(), rollback.version(), artifactId, rollback.at());
        AnalysisState analysis = prepare(target, restored, rollback.version());
        analysis.rollbackId = rollback.rollbackKey();
        state.seen(restoredId, rollback.version());
        open(state, analysis);
        takeSamplesSinceRollback(state, analysis, now);
        if (analysis.running()) {
            replayEarlySamples(state, now);
        }
        publish(state, analysis);
    }

    /** A new analysis of a deployment from the target's spec, compared with {@code stable}; not yet the target's. */
    private AnalysisState prepare(String target, DeploymentChange deployment, String stable) {
        return prepare(target, deployment, stable, null);
    }

    /** {@code windowMillis}: the window a rollout step asked for, null for the spec's. */
    private AnalysisState prepare(String target, DeploymentChange deployment, String stable, Long windowMillis) {
        AnalysisPlan plan = engine.plan(ValueAndTimestamp.getValueOrNull(specs.get(target)));
        AnalysisState analysis = new AnalysisState();
        analysis.deploymentId = deployment.deploymentId();
        analysis.eventId = deployment.eventId();
        analysis.chainId = deployment.chainId();
        analysis.artifactId = deployment.artifactId();
        analysis.version = deployment.version();
        analysis.stableVersion = stable;
        analysis.startedAt = deployment.at();
        analysis.endsAt = deployment.at() + (windowMillis != null ? windowMillis : plan.window().toMillis());
        analysis.intervalMillis = plan.interval().toMillis();
        analysis.minSamples = plan.minSamples();
        analysis.inconclusiveLimit = plan.inconclusiveLimit();
        analysis.anomalyId = null;
        for (MetricPlan metric : plan.metrics()) {
            MetricTrack track = new MetricTrack();
            track.metric = metric.metric();
            track.provider = metric.provider();
            track.detector = metric.detector();
            track.parameters = metric.parameters().deepCopy();
            if (metric.query() != null) {
                track.parameters.put("query", metric.query());
            }
            track.baseline = baseline(target, metric.metric(), stable, analysis);
            analysis.metrics.add(track);
        }
        return analysis;
    }

    /** Makes the analysis the target's current one: its window deadline, its pulls, the versions it is about. */
    private void open(TargetState state, AnalysisState analysis) {
        String target = state.service + "/" + state.environment;
        AnalysisPlan plan = engine.plan(ValueAndTimestamp.getValueOrNull(specs.get(target)));
        state.analysis = analysis;
        if (!analysis.stepAnalysis()) {
            state.runningVersion = analysis.version;
            state.stableVersion = analysis.stableVersion;
        } else if (analysis.stableVersion != null) {
            // a step's version runs beside the stable one, which stays the target's current version
            state.runningVersion = analysis.stableVersion;
            state.stableVersion = analysis.stableVersion;
        }
        state.baselineMetrics = plan.metrics().stream().map(MetricPlan::metric).toList();
        deadlines.put(deadline(DEADLINE_WINDOW, analysis.endsAt, target), target);
        if (plan.pulls(engine::pulls)) {
            pulls.put(target, PullPlan.of(state, analysis, plan, engine::pulls));
        }
        LOG.infof("Analysing deployment %s%s: %s %s against %s until %s (%d metric(s))", analysis.deploymentId,
                analysis.reanalysis() ? " again after rollback " + analysis.rollbackId
                        : analysis.stepAnalysis() ? " at rollout step " + analysis.rolloutStep : "", target, analysis.version,
                analysis.stableVersion, Instant.ofEpochMilli(analysis.endsAt), analysis.metrics.size());
    }

    /**
     * Samples of the restored version measured after the rollback but processed before its event went to the
     * baseline (the version was the stable one then): they belong to its new analysis. Already remembered as taken,
     * so a repeat of them is still a duplicate.
     */
    private void takeSamplesSinceRollback(TargetState state, AnalysisState analysis, long now) {
        String target = state.service + "/" + state.environment;
        List<TargetSample> since = new ArrayList<>();
        for (MetricTrack track : analysis.metrics) {
            BaselineValues values = baselines.get(baselineKey(target, track.metric));
            if (values == null || !analysis.version.equals(values.version)) {
                continue;
            }
            for (Observation observation : values.values) {
                if (observation.at() > analysis.startedAt) {
                    since.add(new TargetSample(analysis.version, track.metric, observation.value(), observation.at(),
                            true, null, null, null, null));
                }
            }
        }
        since.sort(Comparator.comparingLong(TargetSample::at));
        for (TargetSample sample : since) {
            if (!analysis.running()) {
                return;
            }
            analysed(state, analysis, sample, now);
        }
    }

    // ---- samples -----------------------------------------------------------------------------------------------

    private void samples(SampleBatch batch, long now) {
        String target = batch.target();
        TargetState state = targets.get(target);
        if (state == null) {
            // Nobody analyses this target (yet): hold a few in case its first deployment event is on its way.
            holdEarlyOfUnknownTarget(target, batch.samples(), now);
            return;
        }
        boolean changed = false;
        for (TargetSample sample : batch.samples()) {
            changed |= sample(state, sample, now);
        }
        if (changed) {
            targets.put(target, state);
        }
    }

    /** Takes one sample of a known target; true when the target's state changed. */
    private boolean sample(TargetState state, TargetSample sample, long now) {
        AnalysisState analysis = state.analysis;
        boolean running = analysis != null && analysis.running();
        boolean ofAnalysed = running && sample.version().equals(analysis.version);
        boolean ofStableBeside = running && sample.version().equals(analysis.stableVersion);
        // Between analyses the stable version's samples become the next baseline; a version whose analysis failed
        // never does, even while it still runs (until its rollback).
        boolean ofRunningStable = !running && (sample.version().equals(state.stableVersion)
                || sample.version().equals(state.runningVersion) && (analysis == null || analysis.outcome != Outcome.FAILED));
        if (!ofAnalysed && !ofStableBeside && !ofRunningStable) {
            if (state.seenVersions.contains(sample.version())) {
                engine.metrics().count(SampleOutcome.LATE, 1);
                return false;
            }
            return holdEarly(state, sample, now);
        }
        if (!state.advance(sample)) {
            engine.metrics().count(SampleOutcome.DUPLICATE, 1);
            return false;
        }
        if (ofAnalysed) {
            return analysed(state, analysis, sample, now);
        }
        if (sample.isProviderError()) {
            engine.metrics().count(SampleOutcome.PROVIDER_ERROR, 1);
            return true;
        }
        if (ofStableBeside) {
            MetricTrack track = analysis.track(sample.metric());
            if (track == null || sample.at() < analysis.startedAt || sample.at() > analysis.endsAt) {
                engine.metrics().count(SampleOutcome.UNANALYSED, 1);
                return true;
            }
            interval(track.stableIntervals, analysis.intervalIndex(sample.at())).add(sample.value());
            engine.metrics().count(SampleOutcome.STABLE, 1);
            return true;
        }
        keepBaseline(state, sample);
        return true;
    }

    private boolean analysed(TargetState state, AnalysisState analysis, TargetSample sample, long now) {
        String target = state.service + "/" + state.environment;
        if (sample.at() > analysis.endsAt) {
            // measured after the window: the punctuation is about to close it
            engine.metrics().count(SampleOutcome.LATE, 1);
            return true;
        }
        if (analysis.reanalysis() && sample.at() < analysis.startedAt) {
            // measured before the rollback made this version run again: its earlier life, not this analysis
            engine.metrics().count(SampleOutcome.LATE, 1);
            return true;
        }
        MetricTrack track = analysis.track(sample.metric());
        if (track == null) {
            engine.metrics().count(SampleOutcome.UNANALYSED, 1);
            return true;
        }
        if (sample.isProviderError()) {
            engine.metrics().count(SampleOutcome.PROVIDER_ERROR, 1);
            track.providerErrors++;
            track.lastError = sample.error();
            track.lastQuery = sample.query();
            dirty.add(target);
            if (track.providerErrors > analysis.inconclusiveLimit) {
                track.outcome = Outcome.INCONCLUSIVE;
                track.reason = track.providerErrors + " failed measurements by " + track.provider + " (limit "
                        + analysis.inconclusiveLimit + "), the last: " + sample.error();
                end(state, analysis, Outcome.INCONCLUSIVE, "provider-errors", sample.metric() + ": " + track.reason, now);
                publish(state, analysis);
            }
            return true;
        }
        if (sample.at() < analysis.startedAt - engine.config().clockSkew().toMillis()) {
            // The version cannot have been measured before it was deployed: a wrong clock or a mislabelled sample.
            deadLetterSample(target, sample, "sample of " + sample.version() + " measured at "
                    + Instant.ofEpochMilli(sample.at()) + ", before its deployment at " + Instant.ofEpochMilli(analysis.startedAt)
                    + " (field 'timestamp')");
            return true;
        }
        Observation observation = new Observation(sample.value(), sample.at());
        track.samples++;
        track.stats.add(sample.value());
        track.recent.add(observation);
        if (track.recent.size() > MetricTrack.RECENT) {
            track.recent.remove(0);
        }
        if (sample.query() != null) {
            track.lastQuery = sample.query();
        }
        interval(track.canaryIntervals, Math.max(0, analysis.intervalIndex(sample.at()))).add(sample.value());
        analysis.samples++;
        engine.metrics().count(SampleOutcome.ANALYSED, 1);
        dirty.add(target);
        Judgement judgement = engine.detector(track.detector).observe(track, observation);
        record(track, judgement);
        if (judgement.outcome() == Outcome.FAILED) {
            analysis.anomalyId = AnalysisEvents.anomalyIdOf(analysis.analysisId());
            end(state, analysis, Outcome.FAILED, "failure", track.metric + ": " + judgement.reason(), now);
            publish(state, analysis);
        }
        return true;
    }

    private void keepBaseline(TargetState state, TargetSample sample) {
        if (!state.baselineMetrics.contains(sample.metric())) {
            engine.metrics().count(SampleOutcome.UNANALYSED, 1);
            return;
        }
        String key = baselineKey(state.service + "/" + state.environment, sample.metric());
        BaselineValues values = baselines.get(key);
        if (values == null || !sample.version().equals(values.version)) {
            values = new BaselineValues();
            values.version = sample.version();
        }
        values.add(new Observation(sample.value(), sample.at()), engine.config().baselineValues());
        baselines.put(key, values);
        engine.metrics().count(SampleOutcome.BASELINE, 1);
    }

    private Baseline baseline(String target, String metric, String stableVersion, AnalysisState analysis) {
        Baseline baseline = new Baseline();
        baseline.version = stableVersion;
        BaselineValues values = baselines.get(baselineKey(target, metric));
        if (values == null || stableVersion == null || !stableVersion.equals(values.version)) {
            return baseline;
        }
        for (Observation observation : values.values) {
            if (observation.at() <= analysis.startedAt) {
                baseline.values.add(observation);
                interval(baseline.intervals, analysis.intervalIndex(observation.at())).add(observation.value());
            }
        }
        return baseline;
    }

    private boolean holdEarly(TargetState state, TargetSample sample, long now) {
        if (state.early.size() >= engine.config().earlySamplesPerTarget()) {
            engine.metrics().count(SampleOutcome.EARLY_EXPIRED, 1);
            return false;
        }
        if (state.early.isEmpty()) {
            deadlines.put(deadline(DEADLINE_EARLY, now + engine.config().earlySamplesTtl().toMillis(),
                    state.service + "/" + state.environment), state.service + "/" + state.environment);
        }
        state.early.add(sample);
        engine.metrics().count(SampleOutcome.EARLY, 1);
        return true;
    }

    private void holdEarlyOfUnknownTarget(String target, List<TargetSample> samples, long now) {
        if (engine.config().earlySamplesPerTarget() == 0) {
            engine.metrics().count(SampleOutcome.UNANALYSED, samples.size());
            return;
        }
        TargetState state = new TargetState();
        int slash = target.indexOf('/');
        state.service = target.substring(0, slash);
        state.environment = target.substring(slash + 1);
        boolean held = false;
        for (TargetSample sample : samples) {
            held |= holdEarly(state, sample, now);
        }
        if (held) {
            targets.put(target, state);
        }
    }

    private void replayEarlySamples(TargetState state, long now) {
        if (state.early.isEmpty()) {
            return;
        }
        List<TargetSample> early = new ArrayList<>(state.early);
        state.early.clear();
        int replayed = 0;
        // a step's canary runs beside the stable (running) version: its early samples are the analysis's too
        String analysed = state.analysis != null && state.analysis.running() ? state.analysis.version : null;
        for (TargetSample sample : early) {
            if (sample.version().equals(state.runningVersion) || sample.version().equals(state.stableVersion)
                    || sample.version().equals(analysed)) {
                sample(state, sample, now);
                replayed++;
            } else {
                state.early.add(sample);
            }
        }
        if (replayed > 0) {
            LOG.infof("%d sample(s) of %s/%s that came before their deployment taken into its analysis", replayed,
                    state.service, state.environment);
        }
    }

    // ---- endings -----------------------------------------------------------------------------------------------

    private void tick(long now) {
        String upTo = String.format("%013d~", now);
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> iterator = deadlines.range("", upTo)) {
            iterator.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> deadline : due) {
            deadlines.delete(deadline.key);
            TargetState state = targets.get(deadline.value);
            if (state == null) {
                continue;
            }
            if (deadline.key.split("\\|", 3)[1].equals(DEADLINE_WINDOW)) {
                closeWindow(state, now);
            } else {
                expireEarly(state, now);
            }
            if (state.analysis == null && state.isEmpty()) {
                targets.delete(deadline.value);
            } else {
                targets.put(deadline.value, state);
            }
        }
        long progressDue = now - engine.config().progressInterval().toMillis();
        for (Iterator<String> iterator = dirty.iterator(); iterator.hasNext(); ) {
            String target = iterator.next();
            Long last = publishedAt.get(target);
            if (last != null && last > progressDue) {
                continue;
            }
            iterator.remove();
            TargetState state = targets.get(target);
            if (state != null && state.analysis != null) {
                publish(state, state.analysis);
                targets.put(target, state);
            }
        }
    }

    private void closeWindow(TargetState state, long now) {
        AnalysisState analysis = state.analysis;
        if (analysis == null || !analysis.running() || analysis.endsAt > now) {
            return;
        }
        List<String> inconclusive = new ArrayList<>();
        MetricTrack failed = null;
        for (MetricTrack track : analysis.metrics) {
            if (track.outcome.isFinal()) {
                continue;
            }
            Judgement judgement = track.samples == 0
                    ? Judgement.inconclusive(null, "no samples of " + track.metric + " in the window")
                    : track.samples < analysis.minSamples
                    ? Judgement.inconclusive(null, "only " + track.samples + " sample(s) of " + track.metric + ", "
                    + analysis.minSamples + " needed")
                    : engine.detector(track.detector).conclude(track);
            record(track, judgement);
            if (judgement.outcome() == Outcome.FAILED && failed == null) {
                failed = track;
            } else if (judgement.outcome() == Outcome.INCONCLUSIVE) {
                inconclusive.add(judgement.reason());
            }
        }
        if (failed != null) {
            analysis.anomalyId = AnalysisEvents.anomalyIdOf(analysis.analysisId());
            end(state, analysis, Outcome.FAILED, "window", failed.metric + ": " + failed.reason, now);
        } else if (!inconclusive.isEmpty()) {
            end(state, analysis, Outcome.INCONCLUSIVE, "window", String.join("; ", inconclusive), now);
        } else {
            end(state, analysis, Outcome.PASSED, "window", "all " + analysis.metrics.size() + " metric(s) passed over "
                    + analysis.samples + " sample(s)", now);
            if (!analysis.stepAnalysis()) {
                // a canary that passed a step is not stable yet: its promotion's full analysis decides
                state.stableVersion = analysis.version;
            }
        }
        publish(state, analysis);
    }

    private void expireEarly(TargetState state, long now) {
        long ttl = engine.config().earlySamplesTtl().toMillis();
        int before = state.early.size();
        state.early.removeIf(sample -> sample.at() < now - ttl);
        engine.metrics().count(SampleOutcome.EARLY_EXPIRED, before - state.early.size());
        state.earlyRollbacks.values().removeIf(at -> at < now - ttl);
        if (!state.early.isEmpty() || !state.earlyRollbacks.isEmpty()) {
            String target = state.service + "/" + state.environment;
            deadlines.put(deadline(DEADLINE_EARLY, now + ttl, target), target);
        }
    }

    /** Ends the target's analysis; a failure also raises the anomaly, and every ending emits the verdict. */
    private void end(TargetState state, AnalysisState analysis, Outcome outcome, String endedBy, String reason, long now) {
        String target = state.service + "/" + state.environment;
        deadlines.delete(deadline(DEADLINE_WINDOW, analysis.endsAt, target));
        pulls.delete(target);
        conclude(state, analysis, outcome, endedBy, reason, now);
    }

    /** Records the ending and emits what it causes; the target's deadlines and pulls are the caller's. */
    private void conclude(TargetState state, AnalysisState analysis, Outcome outcome, String endedBy, String reason,
                          long now) {
        analysis.outcome = outcome;
        analysis.endedBy = endedBy;
        analysis.reason = reason;
        analysis.endedAt = now;
        for (MetricTrack track : analysis.metrics) {
            if (!track.outcome.isFinal() && outcome != Outcome.PASSED) {
                track.reason = track.reason != null ? track.reason : "not judged: the analysis ended (" + endedBy + ")";
            }
        }
        String target = state.service + "/" + state.environment;
        if (outcome == Outcome.FAILED) {
            MetricTrack failing = analysis.metrics.stream().filter(track -> track.outcome == Outcome.FAILED).findFirst()
                    .orElseThrow();
            context.forward(new Record<>(target, Outbound.of(Outbound.Kind.ANOMALY,
                    engine.events().anomalyDetected(state.service, state.environment, analysis, failing)), now));
            LOG.warnf("Analysis of %s %s failed: %s", target, analysis.version, reason);
        } else {
            LOG.infof("Analysis of %s %s %s: %s", target, analysis.version, outcome.wireName(), reason);
        }
        context.forward(new Record<>(target, Outbound.of(Outbound.Kind.VERDICT,
                engine.events().analysisFinished(state.service, state.environment, analysis)), now));
        // the audit entry of this automatic action, in the same Kafka transaction as the verdict (exactly once)
        context.forward(new Record<>(target, Outbound.of(Outbound.Kind.AUDIT,
                engine.events().analysisEndedAudit(state.service, state.environment, analysis)), now));
        engine.metrics().ended(outcome);
    }

    private void publish(TargetState state, AnalysisState analysis) {
        String target = state.service + "/" + state.environment;
        analysis.revision++;
        dirty.remove(target);
        if (analysis.running()) {
            publishedAt.put(target, context.currentSystemTimeMs());
        } else {
            publishedAt.remove(target);
        }
        context.forward(new Record<>(target, Outbound.of(Outbound.Kind.PROGRESS,
                engine.events().progress(state.service, state.environment, analysis)), context.currentSystemTimeMs()));
    }

    /** A snapshot of an analysis that is not the target's current one (the read model shows it all the same). */
    private void forwardProgress(TargetState state, AnalysisState analysis) {
        analysis.revision++;
        context.forward(new Record<>(state.service + "/" + state.environment, Outbound.of(Outbound.Kind.PROGRESS,
                engine.events().progress(state.service, state.environment, analysis)), context.currentSystemTimeMs()));
    }

    private void deadLetterSample(String target, TargetSample sample, String reason) {
        engine.metrics().deadLettered(1);
        context.forward(new Record<>(target, new Outbound(Outbound.Kind.DEAD_SAMPLE, engine.sampleJson(target, sample),
                reason), context.currentSystemTimeMs(), DeadLetterHeaders.of(null, SampleReadProcessor.CONSUMER, reason,
                "dev.lifeguard.monitor.event.InvalidSampleException", context.recordMetadata())));
    }

    private static void record(MetricTrack track, Judgement judgement) {
        track.outcome = judgement.outcome();
        track.statistic = judgement.statistic();
        if (judgement.outcome().isFinal()) {
            track.reason = judgement.reason();
            track.evidence = new ArrayList<>(judgement.evidence());
        }
    }

    private static IntervalStats interval(List<IntervalStats> intervals, long index) {
        for (int i = intervals.size() - 1; i >= 0; i--) {
            IntervalStats interval = intervals.get(i);
            if (interval.index == index) {
                return interval;
            }
            if (interval.index < index) {
                IntervalStats added = new IntervalStats(index);
                intervals.add(i + 1, added);
                return added;
            }
        }
        IntervalStats added = new IntervalStats(index);
        intervals.add(0, added);
        return added;
    }

    static String deadline(String kind, long at, String target) {
        return String.format("%013d|%s|%s", at, kind, target);
    }

    static String baselineKey(String target, String metric) {
        return target + "|" + metric;
    }
}
