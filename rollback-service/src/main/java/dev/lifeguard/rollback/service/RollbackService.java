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
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.FreezeWindow;
import dev.lifeguard.rollback.TriggerKind;
import dev.lifeguard.rollback.event.AnalysisFinishedEvent;
import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.policy.Failure;
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
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import dev.lifeguard.support.audit.AuditTrail;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rollback use cases: keep track of what runs where, and turn each failing deployment into exactly one decision per
 * trigger kind (anomaly, inconclusive verdict), decided by {@link DecisionRules} on the inputs gathered here. Every
 * decision queues its events in the same transaction (outbox). Every use case
 * first locks the service/environment, so the two consumers, the expiry and manual rollbacks
 * ({@link ManualRollbacks}) see each other's work.
 */
@ApplicationScoped
public class RollbackService {

    private static final Logger LOG = Logger.getLogger(RollbackService.class);

    private final TrackedDeploymentRepository deployments;
    private final PendingAnomalyRepository pendingAnomalies;
    private final EarlyRollbackRepository earlyRollbacks;
    private final RollbackDecisionRepository decisions;
    private final TargetLock targetLock;
    private final RollbackConfig config;
    private final ObjectMapper mapper;
    private final RollbackPolicy policy;
    private final DecisionPolicies policies;
    private final DecisionEvents decisionEvents;
    private final AuditTrail audit;

    public RollbackService(TrackedDeploymentRepository deployments, PendingAnomalyRepository pendingAnomalies,
                           EarlyRollbackRepository earlyRollbacks, RollbackDecisionRepository decisions,
                           TargetLock targetLock, RollbackConfig config,
                           ObjectMapper mapper, @Any Instance<RollbackPolicy> rollbackPolicies,
                           DecisionPolicies policies, DecisionEvents decisionEvents, AuditTrail audit) {
        this.audit = audit;
        this.policies = policies;
        this.decisionEvents = decisionEvents;
        this.deployments = deployments;
        this.pendingAnomalies = pendingAnomalies;
        this.earlyRollbacks = earlyRollbacks;
        this.decisions = decisions;
        this.targetLock = targetLock;
        this.config = config;
        this.mapper = mapper;
        Instance<RollbackPolicy> selected = rollbackPolicies.select(Identifier.Literal.of(config.policy()));
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
        // an inconclusive verdict's decision does not keep the deployment from being decided on its anomaly
        if (decisions.existsForDeployment(anomaly.deploymentId(), List.of(TriggerKind.ANOMALY, TriggerKind.MANUAL))) {
            LOG.infof("Anomaly %s: deployment %s has been decided already", anomaly.anomalyId(), anomaly.deploymentId());
            return;
        }
        Optional<TrackedDeployment> deployment = deployments.findByIdOptional(anomaly.deploymentId());
        if (deployment.isPresent() || anomaly.afterRollback()) {
            // a restored version that fails again is decided at once: its deployment is old news or never named
            decide(anomaly, deployment.orElse(null));
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

    /**
     * An inconclusive verdict of a deployment's full-traffic analysis: decided once per deployment (unless the
     * deployment was decided on otherwise already), at once, with whatever is known of the deployment: by the time its
     * analysis ended its deployment event has long been handled.
     */
    @Transactional
    public void inconclusiveVerdict(AnalysisFinishedEvent verdict) {
        targetLock.lock(verdict.service(), verdict.environment());
        if (decisions.existsForDeployment(verdict.deploymentId())) {
            LOG.infof("Inconclusive verdict %s: deployment %s has been decided already", verdict.eventId(),
                    verdict.deploymentId());
            return;
        }
        TrackedDeployment deployment = deployments.findByIdOptional(verdict.deploymentId()).orElse(null);
        decide(new Trigger(TriggerKind.VERDICT, verdict.eventId(), verdict.chainId(), verdict.failure(),
                verdict.service(), verdict.environment(), null, verdict.analysisId(), verdict.outcome(), null),
                deployment);
    }

    /** What a decision is taken on: an anomaly or an inconclusive verdict. */
    private record Trigger(TriggerKind kind, String eventId, String chainId, Failure failure, String service,
                           String environment, String anomalyId, String analysisId, String verdict,
                           String restoredBy) {
    }

    private void decide(AnomalyDetectedEvent anomaly, TrackedDeployment deployment) {
        decide(new Trigger(TriggerKind.ANOMALY, anomaly.eventId(), anomaly.chainId(), anomaly.failure(),
                anomaly.service(), anomaly.environment(), anomaly.anomalyId(), anomaly.analysisId(), null,
                anomaly.rollbackId()), deployment);
    }

    /** Gathers the inputs of the decision rules under the target lock, records the outcome and queues its events. */
    private void decide(Trigger trigger, TrackedDeployment deployment) {
        OffsetDateTime now = now();
        EffectivePolicy effective = policies.effective(trigger.service(), trigger.environment());
        Failure failure = trigger.failure();
        Verdict selection = policy.decide(failure, deployment);

        int depth = 1;
        if (trigger.restoredBy() != null) {
            // the restored version failed its re-analysis: one deeper than the rollback that restored it
            depth = decisions.findByIdOptional(trigger.restoredBy()).map(restoring -> restoring.depth).orElse(1) + 1;
        }
        DecisionRules.OpenExecution open = decisions.openExecutions(trigger.service(), trigger.environment()).stream()
                .filter(requested -> requested.deploymentId.equals(failure.deploymentId())
                        || deployments.findByIdOptional(requested.deploymentId).map(this::stillOnTraffic).orElse(false))
                .findFirst()
                .map(requested -> new DecisionRules.OpenExecution(requested.id, requested.decision,
                        requested.fromVersion, requested.toVersion))
                .orElse(null);
        DecisionRules.StormGuard storm = null;
        if (effective.maxRollbacksPerHour() != null) {
            targetLock.lockEnvironment(trigger.environment());
            OffsetDateTime since = now.minus(DecisionRules.STORM_WINDOW);
            storm = new DecisionRules.StormGuard(
                    (int) decisions.countAutomaticRollbacksSince(trigger.environment(), since),
                    effective.maxRollbacksPerHour(), since.toInstant(),
                    decisions.existsFirstDecidedBySince(trigger.environment(), "storm-guard", since));
        }
        FreezeWindow frozen = null;
        FreezeWindow.Occurrence occurrence = null;
        for (FreezeWindow window : effective.freezeWindows()) {
            Optional<FreezeWindow.Occurrence> active = window.activeAt(now.toInstant());
            if (active.isPresent()) {
                frozen = window;
                occurrence = active.get();
                break;
            }
        }
        Instant cooldownUntil = null;
        String lastRollbackId = null;
        if (effective.cooldown() != null) {
            Optional<RollbackDecision> last = decisions.findLastAutomaticRollback(trigger.service(), trigger.environment());
            if (last.isPresent()) {
                OffsetDateTime at = last.get().settledAt != null ? last.get().settledAt : last.get().decidedAt;
                Instant until = at.toInstant().plus(effective.cooldown());
                lastRollbackId = last.get().id;
                if (now.toInstant().isBefore(until)) {
                    cooldownUntil = until;
                }
            }
        }

        String fromVersion = deployment != null ? deployment.version : failure.version();
        DecisionRules.Outcome outcome = DecisionRules.decide(new DecisionRules.Inputs(trigger.kind(),
                trigger.anomalyId(), trigger.analysisId(), trigger.verdict(), failure.evidence(), failure.rolloutStep(),
                trigger.service(), trigger.environment(), fromVersion,
                deployment != null ? deployment.status : null, deployment != null ? deployment.stableVersion : null,
                selection, effective, now.toInstant(), depth, trigger.restoredBy(), open, storm, frozen, occurrence,
                cooldownUntil, lastRollbackId));

        RollbackDecision decision = new RollbackDecision();
        decision.id = UUID.randomUUID().toString();
        decision.service = trigger.service();
        decision.environment = trigger.environment();
        decision.deploymentId = failure.deploymentId();
        decision.fromVersion = fromVersion;
        decision.toVersion = outcome.toVersion();
        decision.decision = outcome.decision();
        // what a rollback request says (the evidence, as before policies); otherwise the outcome's own reason
        decision.reason = DecisionRules.oneLine(outcome.decision().requestsRollback() ? selection.reason()
                : outcome.reason());
        decision.anomalyId = trigger.anomalyId();
        if (trigger.kind() == TriggerKind.ANOMALY) {
            decision.anomalyEventId = trigger.eventId();
        } else {
            decision.verdictEventId = trigger.eventId();
        }
        decision.analysisId = trigger.analysisId();
        decision.triggerKind = trigger.kind();
        decision.chainId = trigger.chainId() != null ? trigger.chainId()
                : deployment != null && deployment.chainId != null ? deployment.chainId : decision.id;
        decision.decidedAt = now;
        decision.rule = outcome.rule();
        decision.initialRule = outcome.rule();
        decision.explanation = outcome.explanation().toString();
        decision.policyVersion = effective.describeSources();
        decision.depth = depth;
        decision.escalationTeam = effective.escalationTeam();
        decision.onApprovalTimeout = effective.onApprovalTimeout();
        if (decision.decision == Decision.AWAITING_APPROVAL) {
            decision.approvalDeadline = now.plus(effective.approvalTimeout());
        }
        if (outcome.escalate()) {
            decision.escalatedAt = now;
        }
        decisions.persist(decision);

        String link = trigger.eventId();
        // the request first: what deploy-service acts on (and the reaction benchmark times) leaves first
        if (decision.decision.requestsRollback()) {
            decisionEvents.requested(decision, link);
        }
        decisionEvents.decided(decision, null, link);
        if (decision.decision == Decision.AWAITING_APPROVAL) {
            decisionEvents.approvalRequested(decision, effective.approvalTimeout(), link);
        }
        if (outcome.guardTripped()) {
            decisionEvents.guardTripped(decision, storm, link);
        }
        if (outcome.escalate()) {
            decisionEvents.escalated(decision, "depth-guard", "hold", link);
        }
        // the audit trail of what the service did on its own, in the same transaction as the decision
        audit.recordAutomatic("rollback.decided", decision.key(), decision.decision.name(), outcome.reason());
        if (outcome.guardTripped()) {
            audit.recordAutomatic("rollback.guard-tripped", decision.key(), decision.decision.name(),
                    "storm guard of " + decision.environment + ": " + storm.count() + " automatic rollbacks since "
                            + storm.since() + ", limit " + storm.limit());
        }
        if (outcome.escalate()) {
            audit.recordAutomatic("rollback.escalated", decision.key(), decision.decision.name(),
                    "depth guard: escalated to " + decision.escalationTeam + ", held");
        }
        LOG.infof("Decision %s for %s deployment %s: %s (%s) %s -> %s: %s", decision.id, decision.key(),
                decision.deploymentId, decision.decision, decision.rule, decision.fromVersion, decision.toVersion,
                outcome.reason());
    }

    /** A requested rollback of this deployment still matters: it runs, or rolls out beside the stable one. */
    private boolean stillOnTraffic(TrackedDeployment deployment) {
        return deployment.status == DeploymentStatus.RUNNING || deployment.status == DeploymentStatus.ROLLING_OUT;
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
