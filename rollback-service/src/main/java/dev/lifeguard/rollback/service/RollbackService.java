package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.EarlyRollback;
import dev.lifeguard.rollback.Execution;
import dev.lifeguard.rollback.PendingAnomaly;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.event.RollbackEvents;
import dev.lifeguard.rollback.event.RollbackExecutionReport;
import dev.lifeguard.rollback.event.RolloutStepStartedEvent;
import dev.lifeguard.rollback.event.ServiceDeployedEvent;
import dev.lifeguard.rollback.event.ServiceRolledBackEvent;
import dev.lifeguard.rollback.policy.RollbackPolicy;
import dev.lifeguard.rollback.policy.Verdict;
import dev.lifeguard.rollback.repository.EarlyRollbackRepository;
import dev.lifeguard.rollback.repository.PendingAnomalyRepository;
import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import dev.lifeguard.rollback.repository.TargetLock;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rollback use cases: keep track of what runs where, and turn each anomalous deployment into exactly one
 * decision. A ROLL_BACK decision queues its request in the same transaction (outbox). Every use case
 * first locks the service/environment, so the two consumers, the expiry and manual rollbacks
 * ({@link ManualRollbacks}) see each other's work.
 */
@ApplicationScoped
public class RollbackService {

    private static final Logger LOG = Logger.getLogger(RollbackService.class);
    private static final int MAX_REASON_LENGTH = 2000;

    private final TrackedDeploymentRepository deployments;
    private final PendingAnomalyRepository pendingAnomalies;
    private final EarlyRollbackRepository earlyRollbacks;
    private final RollbackDecisionRepository decisions;
    private final TargetLock targetLock;
    private final RollbackEvents events;
    private final Outbox outbox;
    private final RollbackConfig config;
    private final ObjectMapper mapper;
    private final RollbackPolicy policy;

    public RollbackService(TrackedDeploymentRepository deployments, PendingAnomalyRepository pendingAnomalies,
                           EarlyRollbackRepository earlyRollbacks, RollbackDecisionRepository decisions,
                           TargetLock targetLock, RollbackEvents events, Outbox outbox, RollbackConfig config,
                           ObjectMapper mapper, @Any Instance<RollbackPolicy> policies) {
        this.deployments = deployments;
        this.pendingAnomalies = pendingAnomalies;
        this.earlyRollbacks = earlyRollbacks;
        this.decisions = decisions;
        this.targetLock = targetLock;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        this.mapper = mapper;
        Instance<RollbackPolicy> selected = policies.select(Identifier.Literal.of(config.policy()));
        if (!selected.isResolvable()) {
            throw new IllegalStateException("No RollbackPolicy named '" + config.policy() + "' (lifeguard.rollback.policy)");
        }
        this.policy = selected.get();
    }

    /**
     * A deployment was announced. It runs now, unless its events say otherwise: its rollback was announced
     * before it (it is tracked as rolled back), or a deployment that started after it was seen first, as when
     * an old event is replayed (it is tracked as superseded). Either way what runs keeps running. An anomaly
     * that arrived before the deployment is decided now.
     */
    @Transactional
    public void deploymentStarted(ServiceDeployedEvent deployed) {
        targetLock.lock(deployed.service(), deployed.environment());
        Optional<TrackedDeployment> known = deployments.findByIdOptional(deployed.deploymentId());
        if (known.isPresent()) {
            if (known.get().status == DeploymentStatus.ROLLING_OUT) {
                promoted(known.get(), deployed, now());
            }
            return;
        }
        OffsetDateTime now = now();
        TrackedDeployment deployment = new TrackedDeployment();
        deployment.deploymentId = deployed.deploymentId();
        deployment.service = deployed.service();
        deployment.environment = deployed.environment();
        deployment.version = deployed.version();
        deployment.stableVersion = deployed.stableVersion();
        deployment.chainId = deployed.chainId();
        deployment.eventId = deployed.eventId();
        deployment.deployedAt = deployed.time() != null ? deployed.time() : now;
        deployment.statusChangedAt = now;

        Optional<EarlyRollback> earlyRollback = earlyRollbacks.findByIdOptional(deployment.deploymentId);
        if (earlyRollback.isPresent()) {
            deployment.status = DeploymentStatus.ROLLED_BACK;
            deployment.rolledBackTo = earlyRollback.get().toVersion;
            earlyRollbacks.delete(earlyRollback.get());
            LOG.infof("Deployment %s of %s/%s arrived after its rollback to %s: tracked as rolled back",
                    deployment.deploymentId, deployment.service, deployment.environment, deployment.rolledBackTo);
        } else if (deployments.existsDeployedAfter(deployment.service, deployment.environment, deployment.deployedAt)) {
            deployment.status = DeploymentStatus.SUPERSEDED;
            LOG.infof("Deployment %s of %s/%s (started %s) arrived after a newer one: tracked as superseded",
                    deployment.deploymentId, deployment.service, deployment.environment, deployment.deployedAt);
        } else {
            deployments.findRunning(deployment.service, deployment.environment)
                    .ifPresent(previous -> changeStatus(previous, DeploymentStatus.SUPERSEDED, now));
            deployment.status = DeploymentStatus.RUNNING;
        }
        deployments.persist(deployment);
        if (!deployment.isRunning()) {
            restoreWhatTheLatestRollbackWentBackTo(deployment.service, deployment.environment, now);
        }

        PendingAnomaly pending = pendingAnomalies.findById(deployment.deploymentId);
        if (pending != null) {
            pendingAnomalies.delete(pending);
            decide(readAnomaly(pending), deployment);
        }
    }

    /**
     * A rollout's promotion (its service.deployed / service.upgraded): the deployment takes all traffic and runs,
     * replacing the stable one, unless a newer deployment was seen first. From now on it is rolled back as any other.
     */
    private void promoted(TrackedDeployment deployment, ServiceDeployedEvent deployed, OffsetDateTime now) {
        OffsetDateTime promotedAt = deployed.time() != null ? deployed.time() : now;
        deployment.eventId = deployed.eventId();
        if (deployed.stableVersion() != null) {
            deployment.stableVersion = deployed.stableVersion();
        }
        if (deployments.existsDeployedAfter(deployment.service, deployment.environment, promotedAt)) {
            changeStatus(deployment, DeploymentStatus.SUPERSEDED, now);
            LOG.infof("Rollout %s of %s/%s promoted at %s, after a newer deployment: tracked as superseded",
                    deployment.deploymentId, deployment.service, deployment.environment, promotedAt);
            return;
        }
        deployments.findRunning(deployment.service, deployment.environment)
                .ifPresent(previous -> changeStatus(previous, DeploymentStatus.SUPERSEDED, now));
        deployment.deployedAt = promotedAt;
        changeStatus(deployment, DeploymentStatus.RUNNING, now);
        LOG.infof("Rollout %s of %s/%s promoted: %s runs", deployment.deploymentId, deployment.service,
                deployment.environment, deployment.version);
    }

    /**
     * A rollout step began: the deployment is tracked as rolling out beside the stable deployment, which keeps
     * running, with {@code stableVersion} as where a failed step goes back to; later steps move its step and weight
     * on (an older step arriving late changes nothing). An anomaly that waited for it is decided now.
     */
    @Transactional
    public void rolloutStepStarted(RolloutStepStartedEvent step) {
        targetLock.lock(step.service(), step.environment());
        OffsetDateTime now = now();
        Optional<TrackedDeployment> known = deployments.findByIdOptional(step.deploymentId());
        if (known.isPresent()) {
            TrackedDeployment deployment = known.get();
            if (deployment.status == DeploymentStatus.ROLLING_OUT
                    && (deployment.rolloutStep == null || step.stepIndex() > deployment.rolloutStep)) {
                deployment.rolloutStep = step.stepIndex();
                deployment.rolloutWeight = step.weight();
                if (step.stableVersion() != null) {
                    deployment.stableVersion = step.stableVersion();
                }
            }
            return;
        }
        TrackedDeployment deployment = new TrackedDeployment();
        deployment.deploymentId = step.deploymentId();
        deployment.service = step.service();
        deployment.environment = step.environment();
        deployment.version = step.version();
        deployment.stableVersion = step.stableVersion();
        deployment.chainId = step.chainId();
        deployment.eventId = step.eventId();
        deployment.deployedAt = step.time() != null ? step.time() : now;
        deployment.statusChangedAt = now;
        deployment.rolloutStrategy = step.strategy();
        deployment.rolloutStep = step.stepIndex();
        deployment.rolloutWeight = step.weight();
        Optional<EarlyRollback> earlyRollback = earlyRollbacks.findByIdOptional(deployment.deploymentId);
        if (earlyRollback.isPresent()) {
            deployment.status = DeploymentStatus.ROLLED_BACK;
            deployment.rolledBackTo = earlyRollback.get().toVersion;
            earlyRollbacks.delete(earlyRollback.get());
        } else {
            deployment.status = DeploymentStatus.ROLLING_OUT;
        }
        deployments.persist(deployment);
        LOG.infof("Deployment %s of %s/%s rolls out (%s, step %d, %d%% of traffic) beside %s", deployment.deploymentId,
                deployment.service, deployment.environment, step.strategy(), step.stepIndex(), step.weight(),
                step.stableVersion());

        PendingAnomaly pending = pendingAnomalies.findById(deployment.deploymentId);
        if (pending != null) {
            pendingAnomalies.delete(pending);
            decide(readAnomaly(pending), deployment);
        }
    }

    /**
     * deploy-service rolled a deployment back: it stops running and the version it went back to runs again.
     * A rollback of a deployment not seen yet is remembered until the deployment's event arrives.
     */
    @Transactional
    public void deploymentRolledBack(ServiceRolledBackEvent rolledBack) {
        targetLock.lock(rolledBack.service(), rolledBack.environment());
        OffsetDateTime now = now();
        Optional<TrackedDeployment> deployment = deployments.findByIdOptional(rolledBack.deploymentId());
        if (deployment.isEmpty()) {
            rememberEarlyRollback(rolledBack, now);
        } else if (deployment.get().status != DeploymentStatus.ROLLED_BACK) {
            deployment.get().rolledBackTo = rolledBack.toVersion();
            changeStatus(deployment.get(), DeploymentStatus.ROLLED_BACK, now);
        }
        restoreIfNothingRuns(rolledBack.service(), rolledBack.environment(), rolledBack.toVersion(), now);
        Optional<RollbackDecision> decision = rolledBack.rollbackId() != null
                ? decisions.findByIdOptional(rolledBack.rollbackId()) : Optional.empty();
        if (decision.isPresent()) {
            recordExecution(decision.get(), Execution.EXECUTED, "rolled back to " + rolledBack.toVersion());
        } else if (rolledBack.rolloutAborted()) {
            // deploy-service aborted the rollout on its own (the failed step's verdict) under its own rollback id:
            // the rollback this service asked for is done all the same
            decisions.findUnderWay(rolledBack.deploymentId()).ifPresent(underWay -> recordExecution(underWay,
                    Execution.EXECUTED, "rollout aborted by " + rolledBack.rollbackId() + ": traffic back to "
                            + rolledBack.toVersion()));
        }
    }

    /**
     * deploy-service accepted, failed or skipped a rollback request. A failed or skipped one leaves the target as
     * it was, so it may be rolled back by hand; reports about requests made elsewhere are ignored.
     */
    @Transactional
    public void executionReported(RollbackExecutionReport report) {
        targetLock.lock(report.service(), report.environment());
        Optional<RollbackDecision> decision = decisions.findByIdOptional(report.rollbackId());
        if (decision.isEmpty()) {
            LOG.debugf("Rollback %s of %s/%s %s: not a decision of rollback-service", report.rollbackId(),
                    report.service(), report.environment(), report.execution());
            return;
        }
        recordExecution(decision.get(), report.execution(), report.detail());
    }

    /**
     * Decides an anomaly once per deployment. One for a deployment not seen yet waits for it: the anomaly
     * and the deployment come on different topics, so the anomaly can overtake the deployment.
     */
    @Transactional
    public void anomalyDetected(AnomalyDetectedEvent anomaly) {
        targetLock.lock(anomaly.service(), anomaly.environment());
        if (decisions.existsForDeployment(anomaly.deploymentId())) {
            LOG.infof("Anomaly %s: deployment %s has been decided already", anomaly.anomalyId(), anomaly.deploymentId());
            return;
        }
        Optional<TrackedDeployment> deployment = deployments.findByIdOptional(anomaly.deploymentId());
        if (deployment.isPresent()) {
            decide(anomaly, deployment.get());
        } else if (pendingAnomalies.findByIdOptional(anomaly.deploymentId()).isEmpty()) {
            PendingAnomaly pending = new PendingAnomaly();
            pending.deploymentId = anomaly.deploymentId();
            pending.service = anomaly.service();
            pending.environment = anomaly.environment();
            pending.anomalyEventId = anomaly.eventId();
            pending.anomaly = writeAnomaly(anomaly);
            pending.receivedAt = now();
            pendingAnomalies.persist(pending);
            LOG.infof("Anomaly %s waits for deployment %s", anomaly.anomalyId(), anomaly.deploymentId());
        }
    }

    @Transactional
    public List<PendingAnomaly> pendingAnomaliesReceivedBefore(OffsetDateTime cutoff) {
        return pendingAnomalies.receivedBefore(cutoff);
    }

    /** Decides an anomaly that waited in vain, with whatever is known of its deployment by now. */
    @Transactional
    public void decideWithoutWaiting(PendingAnomaly expired) {
        targetLock.lock(expired.service, expired.environment);
        PendingAnomaly pending = pendingAnomalies.findById(expired.deploymentId);
        if (pending == null) {
            return;
        }
        pendingAnomalies.delete(pending);
        decide(readAnomaly(pending), deployments.findById(pending.deploymentId));
    }

    @Transactional
    public List<RollbackDecision> decisions(String service, String environment, int limit) {
        return decisions.newestFirst(service, environment, limit);
    }

    @Transactional
    public Optional<RollbackDecision> find(String id) {
        return decisions.findByIdOptional(id);
    }

    private void decide(AnomalyDetectedEvent anomaly, TrackedDeployment deployment) {
        Verdict verdict = policy.decide(anomaly, deployment);
        RollbackDecision decision = new RollbackDecision();
        decision.id = UUID.randomUUID().toString();
        decision.service = anomaly.service();
        decision.environment = anomaly.environment();
        decision.deploymentId = anomaly.deploymentId();
        decision.fromVersion = deployment != null ? deployment.version : anomaly.version();
        decision.toVersion = verdict.toVersion();
        decision.decision = verdict.decision();
        decision.reason = verdict.reason().length() > MAX_REASON_LENGTH
                ? verdict.reason().substring(0, MAX_REASON_LENGTH - 3) + "..."
                : verdict.reason();
        decision.anomalyId = anomaly.anomalyId();
        decision.anomalyEventId = anomaly.eventId();
        decision.chainId = anomaly.chainId() != null ? anomaly.chainId()
                : deployment != null && deployment.chainId != null ? deployment.chainId : decision.id;
        decision.decidedAt = now();
        decisions.persist(decision);
        if (decision.decision.requestsRollback()) {
            outbox.enqueue(config.rollbacksTopic(), decision.key(), events.rollbackRequested(decision));
        }
        LOG.infof("Decision %s for %s deployment %s: %s %s -> %s (%s)", decision.id, decision.key(),
                decision.deploymentId, decision.decision, decision.fromVersion, decision.toVersion, decision.reason);
    }

    /** A final report is never replaced: an accepted rollback may end, an ended one stays as it ended. */
    private static void recordExecution(RollbackDecision decision, Execution execution, String detail) {
        if (decision.execution != null && decision.execution.isFinal()) {
            return;
        }
        decision.execution = execution;
        decision.executionDetail = detail;
        LOG.infof("Decision %s for %s deployment %s: execution %s (%s)", decision.id, decision.key(),
                decision.deploymentId, execution, detail);
    }

    private void rememberEarlyRollback(ServiceRolledBackEvent rolledBack, OffsetDateTime now) {
        if (earlyRollbacks.findByIdOptional(rolledBack.deploymentId()).isPresent()) {
            return;
        }
        EarlyRollback early = new EarlyRollback();
        early.deploymentId = rolledBack.deploymentId();
        early.service = rolledBack.service();
        early.environment = rolledBack.environment();
        early.toVersion = rolledBack.toVersion();
        early.eventId = rolledBack.eventId();
        early.receivedAt = now;
        earlyRollbacks.persist(early);
        LOG.infof("Rollback of deployment %s of %s/%s to %s arrived before the deployment: remembered until it arrives",
                early.deploymentId, early.service, early.environment, early.toVersion);
    }

    /**
     * When nothing runs because the newest deployment was rolled back, the deployment it went back to runs
     * again as soon as it is known: a late event can be the one that tells which deployment that is.
     */
    private void restoreWhatTheLatestRollbackWentBackTo(String service, String environment, OffsetDateTime now) {
        deployments.findNewest(service, environment)
                .filter(newest -> newest.status == DeploymentStatus.ROLLED_BACK && newest.rolledBackTo != null)
                .ifPresent(newest -> restoreIfNothingRuns(service, environment, newest.rolledBackTo, now));
    }

    /** The newest deployment of {@code version} that was not rolled back runs again, unless something runs. */
    private void restoreIfNothingRuns(String service, String environment, String version, OffsetDateTime now) {
        if (deployments.findRunning(service, environment).isEmpty()) {
            deployments.findRestorable(service, environment, version)
                    .ifPresent(restored -> changeStatus(restored, DeploymentStatus.RUNNING, now));
        }
    }

    private void changeStatus(TrackedDeployment deployment, DeploymentStatus status, OffsetDateTime now) {
        deployment.status = status;
        deployment.statusChangedAt = now;
        // The partial unique index allows one RUNNING row per target: write each change before the next one.
        deployments.flush();
    }

    private String writeAnomaly(AnomalyDetectedEvent anomaly) {
        try {
            return mapper.writeValueAsString(anomaly);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise anomaly " + anomaly.anomalyId(), e);
        }
    }

    private AnomalyDetectedEvent readAnomaly(PendingAnomaly pending) {
        try {
            return mapper.readValue(pending.anomaly, AnomalyDetectedEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not read the anomaly pending for deployment " + pending.deploymentId, e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
