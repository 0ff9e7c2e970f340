package dev.lifeguard.monitor.service;

import dev.lifeguard.monitor.Anomaly;
import dev.lifeguard.monitor.EarlyRollback;
import dev.lifeguard.monitor.MetricSample;
import dev.lifeguard.monitor.WatchStatus;
import dev.lifeguard.monitor.WatchedDeployment;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.detector.Finding;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.event.AnomalyEvents;
import dev.lifeguard.monitor.event.DeploymentRolledBackEvent;
import dev.lifeguard.monitor.event.DeploymentStartedEvent;
import dev.lifeguard.monitor.repository.AnomalyRepository;
import dev.lifeguard.monitor.repository.EarlyRollbackRepository;
import dev.lifeguard.monitor.repository.MetricSampleRepository;
import dev.lifeguard.monitor.repository.WatchedDeploymentRepository;
import dev.lifeguard.support.outbox.Outbox;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Verification use cases: learn deployments and their windows, take in samples, and let the detector judge
 * the deployment under verification after every change. An anomaly and its event are written in one
 * transaction (outbox), at most once per deployment.
 */
@ApplicationScoped
public class VerificationService {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);

    private final WatchedDeploymentRepository deployments;
    private final MetricSampleRepository samples;
    private final AnomalyRepository anomalies;
    private final EarlyRollbackRepository earlyRollbacks;
    private final AnomalyEvents events;
    private final Outbox outbox;
    private final MonitorConfig config;
    private final Detector detector;

    public VerificationService(WatchedDeploymentRepository deployments, MetricSampleRepository samples,
                               AnomalyRepository anomalies, EarlyRollbackRepository earlyRollbacks,
                               AnomalyEvents events, Outbox outbox, MonitorConfig config,
                               @Any Instance<Detector> detectors) {
        this.deployments = deployments;
        this.samples = samples;
        this.anomalies = anomalies;
        this.earlyRollbacks = earlyRollbacks;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        Instance<Detector> selected = detectors.select(Identifier.Literal.of(config.detector()));
        if (!selected.isResolvable()) {
            throw new IllegalStateException("No Detector named '" + config.detector() + "' (lifeguard.monitor.detector)");
        }
        this.detector = selected.get();
    }

    /**
     * Starts the verification window of a new deployment; the deployment it replaces is no longer verified.
     * Samples that arrived before the deployment event are judged right away, unless its rollback arrived first:
     * then it starts rolled back. Known deployments are left as they are.
     */
    @Transactional
    public WatchedDeployment watch(DeploymentStartedEvent started) {
        deployments.lockTarget(started.service(), started.environment());
        WatchedDeployment known = deployments.findById(started.deploymentId());
        if (known != null) {
            return known;
        }
        WatchedDeployment deployment = new WatchedDeployment();
        deployment.id = started.deploymentId();
        deployment.service = started.service();
        deployment.environment = started.environment();
        deployment.version = started.version();
        deployment.artifactId = started.artifactId();
        deployment.chainId = started.chainId();
        deployment.eventId = started.eventId();
        deployment.windowStart = utc(started.deployedAt());
        deployment.windowEnd = deployment.windowStart.plus(config.verificationWindow());
        deployment.status = WatchStatus.WATCHING;
        deployments.persistAndFlush(deployment);
        // An event replayed out of order must not take the verification away from a newer deployment.
        boolean newest = deployments.findLatest(deployment.service, deployment.environment)
                .map(latest -> latest.id.equals(deployment.id)).orElse(false);
        if (newest) {
            deployments.supersedeAllBut(deployment);
        } else {
            deployment.status = WatchStatus.SUPERSEDED;
        }
        earlyRollbacks.take(deployment.id).ifPresent(rollback -> endByRollback(deployment, rollback.rolledBackAt));
        evaluate(deployment);
        LOG.infof("Watching deployment %s: %s %s from %s to %s (%s)", deployment.id, deployment.key(),
                deployment.version, deployment.windowStart, deployment.windowEnd, deployment.status);
        return deployment;
    }

    /**
     * A rolled-back deployment's window ends at the rollback: it raises no more anomalies. A rollback of a
     * deployment not heard of yet is remembered and applied when the deployment arrives.
     */
    @Transactional
    public void rolledBack(DeploymentRolledBackEvent rollback) {
        // Under the target's lock: a deployment event of the same target handled at the same time either committed
        // before (and is found) or sees the remembered rollback.
        deployments.lockTarget(rollback.service(), rollback.environment());
        OffsetDateTime at = utc(rollback.rolledBackAt() != null ? rollback.rolledBackAt() : now());
        WatchedDeployment deployment = deployments.findById(rollback.rolledBackDeploymentId());
        if (deployment == null) {
            EarlyRollback early = new EarlyRollback();
            early.deploymentId = rollback.rolledBackDeploymentId();
            early.service = rollback.service();
            early.environment = rollback.environment();
            early.rolledBackAt = at;
            early.eventId = rollback.eventId();
            early.receivedAt = now();
            earlyRollbacks.remember(early);
            LOG.infof("Rollback of deployment %s (%s/%s) arrived before the deployment: applied when it arrives",
                    early.deploymentId, early.service, early.environment);
            return;
        }
        if (!deployment.key().equals(rollback.service() + "/" + rollback.environment())) {
            deployments.lockTarget(deployment.service, deployment.environment);
            deployments.getEntityManager().refresh(deployment);
        }
        endByRollback(deployment, at);
        LOG.infof("Deployment %s rolled back: verification of %s %s ended", deployment.id, deployment.key(),
                deployment.version);
    }

    /**
     * Stores the samples and judges each affected deployment under verification. A sample without timestamp
     * is taken as measured on arrival; samples of one request or record keep their order.
     */
    @Transactional
    public void ingest(List<ReportedSample> reported) {
        OffsetDateTime receivedAt = now();
        Map<String, List<ReportedSample>> byTarget = reported.stream().collect(Collectors.groupingBy(
                sample -> sample.service() + "/" + sample.environment(), TreeMap::new, Collectors.toList()));
        // Sorted targets: two batches lock the same targets in the same order, so they never deadlock.
        byTarget.values().forEach(targetSamples -> {
            ReportedSample first = targetSamples.get(0);
            deployments.lockTarget(first.service(), first.environment());
        });
        for (int i = 0; i < reported.size(); i++) {
            samples.insertIfAbsent(sample(reported.get(i), receivedAt, i));
        }
        for (List<ReportedSample> targetSamples : byTarget.values()) {
            ReportedSample first = targetSamples.get(0);
            deployments.findLatest(first.service(), first.environment())
                    .filter(deployment -> targetSamples.stream().anyMatch(sample ->
                            sample.version().equals(deployment.version) && sample.metric().equals(detector.metric())))
                    .ifPresent(this::evaluate);
        }
    }

    @Transactional
    public List<Anomaly> anomalies(String service, String environment) {
        return anomalies.search(service, environment);
    }

    @Transactional
    public Optional<Anomaly> anomaly(String id) {
        return anomalies.findByIdOptional(id);
    }

    /** The deployment of a target that is (or was last) under verification, with its sample count. */
    @Transactional
    public Optional<Verification> verification(String service, String environment) {
        return deployments.findLatest(service, environment).map(deployment -> new Verification(deployment,
                samples.countInWindow(deployment), anomalies.findByDeployment(deployment.id).orElse(null)));
    }

    /** Caller holds the target lock. The window ends at the rollback, never before it started. */
    private static void endByRollback(WatchedDeployment deployment, OffsetDateTime rolledBackAt) {
        if (rolledBackAt.isBefore(deployment.windowEnd)) {
            deployment.windowEnd = rolledBackAt.isBefore(deployment.windowStart) ? deployment.windowStart : rolledBackAt;
        }
        deployment.status = WatchStatus.ROLLED_BACK;
    }

    /** Caller holds the target lock. */
    private void evaluate(WatchedDeployment deployment) {
        if (deployment.status != WatchStatus.WATCHING) {
            return;
        }
        List<Observation> observations = samples.inWindow(deployment, detector.metric()).stream()
                .map(sample -> new Observation(sample.value, utc(sample.sampledAt)))
                .toList();
        detector.evaluate(observations).ifPresent(finding -> raise(deployment, finding));
    }

    private void raise(WatchedDeployment deployment, Finding finding) {
        List<Observation> evidence = finding.evidence().stream()
                .sorted(Comparator.comparing(Observation::at)).toList();
        Anomaly anomaly = new Anomaly();
        anomaly.id = UUID.randomUUID().toString();
        anomaly.eventId = UUID.randomUUID().toString();
        anomaly.deploymentId = deployment.id;
        anomaly.service = deployment.service;
        anomaly.environment = deployment.environment;
        anomaly.version = deployment.version;
        anomaly.chainId = deployment.chainId;
        anomaly.description = finding.summary() + " on " + deployment.service + " " + deployment.version + " in "
                + deployment.environment;
        anomaly.rule = finding.rule();
        anomaly.metric = finding.metric();
        anomaly.threshold = finding.threshold();
        anomaly.consecutiveSamples = finding.consecutiveSamples();
        anomaly.observedValues = finding.observedValues();
        anomaly.firstSampleAt = evidence.get(0).at();
        anomaly.lastSampleAt = evidence.get(evidence.size() - 1).at();
        anomaly.detectedAt = now();
        anomalies.persist(anomaly);
        deployment.status = WatchStatus.ANOMALY_DETECTED;
        outbox.enqueue(config.anomaliesTopic(), deployment.key(), events.detected(anomaly, deployment));
        LOG.warnf("Anomaly %s: %s (values %s)", anomaly.id, anomaly.description, anomaly.observedValues);
    }

    private static MetricSample sample(ReportedSample reported, OffsetDateTime receivedAt, int position) {
        MetricSample sample = new MetricSample();
        sample.service = reported.service();
        sample.environment = reported.environment();
        sample.version = reported.version();
        sample.metric = reported.metric();
        sample.value = reported.value();
        // One microsecond apart keeps undated samples of one batch distinct and in the order they were sent.
        sample.sampledAt = reported.timestamp() != null
                ? utc(reported.timestamp()) : receivedAt.plus(position, ChronoUnit.MICROS);
        sample.receivedAt = receivedAt;
        sample.source = reported.source();
        sample.sampleId = SampleIdentity.of(reported);
        return sample;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** PostgreSQL keeps microseconds; normalising here keeps what is compared and emitted equal to what is stored. */
    private static OffsetDateTime utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
