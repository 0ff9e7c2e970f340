package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;
import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.Rollout;
import dev.lifeguard.deploy.TestEvidence;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.event.AnalysisVerdictEvent;
import dev.lifeguard.deploy.event.DeploymentEvents;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.event.RolloutEvents;
import dev.lifeguard.deploy.event.TestSuiteRunEvent;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.deploy.repository.DeploymentRepository;
import dev.lifeguard.deploy.repository.RollbackRepository;
import dev.lifeguard.deploy.repository.RolloutRepository;
import dev.lifeguard.deploy.repository.TestEvidenceRepository;
import dev.lifeguard.deploy.service.Strategies.StepSpec;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.audit.AuditTrail;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rollout state machine; deploy-service is the single writer of rollout state. A gated deployment waits for test
 * evidence or an override; a canary / blue-green rollout runs its steps: executor calls (set-weight, preview,
 * promote) are claimed and made outside transactions by the {@link RollbackRunner}, pause steps wait for their
 * analysis verdict, people promote, pause, resume and abort. Every transition takes the target's lock and queues its
 * event in the same transaction.
 */
@ApplicationScoped
public class Rollouts {

    public static final String BY_PERSON = "person";
    public static final String BY_ANALYSIS = "analysis";
    public static final String BY_EXECUTOR = "executor";
    public static final String BY_ROLLBACK = "rollback";
    public static final String BY_EVIDENCE = "evidence";
    public static final String BY_OVERRIDE = "override";
    public static final String GATE_GATED = "GATED";
    public static final String GATE_RELEASED = "RELEASED";

    /** One executor call an instance holds the rollout for. */
    public record StepClaim(String deploymentId, String executor, RolloutStep step, int attempt) {
    }

    /** No deployment with that id. */
    public static class UnknownDeploymentException extends RuntimeException {
        public UnknownDeploymentException(String message) {
            super(message);
        }
    }

    /** The action does not fit the deployment's state now (409). */
    public static class WrongStateException extends RuntimeException {
        public WrongStateException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = Logger.getLogger(Rollouts.class);

    private final DeploymentRepository deployments;
    private final RollbackRepository rollbacks;
    private final RolloutRepository rollouts;
    private final TestEvidenceRepository evidence;
    private final RedeployGate gate;
    private final TargetService targets;
    private final RolloutEvents events;
    private final DeploymentEvents deploymentEvents;
    private final Outbox outbox;
    private final DeployConfig config;
    private final ObjectMapper mapper;
    private final AuditTrail audit;

    public Rollouts(DeploymentRepository deployments, RollbackRepository rollbacks, RolloutRepository rollouts,
                    TestEvidenceRepository evidence, RedeployGate gate, TargetService targets, RolloutEvents events,
                    DeploymentEvents deploymentEvents, Outbox outbox, DeployConfig config, ObjectMapper mapper,
                    AuditTrail audit) {
        this.audit = audit;
        this.deployments = deployments;
        this.rollbacks = rollbacks;
        this.rollouts = rollouts;
        this.evidence = evidence;
        this.gate = gate;
        this.targets = targets;
        this.events = events;
        this.deploymentEvents = deploymentEvents;
        this.outbox = outbox;
        this.config = config;
        this.mapper = mapper;
    }

    // ---- start -------------------------------------------------------------------------------------------------

    /** Holds a new deployment at the gate (caller's transaction, target locked). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollout hold(Deployment deployment, ObjectNode strategy, Deployment stable, Rollback armedBy,
                        List<String> requiredSuites, String missing) {
        OffsetDateTime now = DeploymentService.now();
        Rollout rollout = newRollout(deployment, strategy, stable, now);
        rollout.phase = Rollout.GATED;
        rollout.gateStatus = GATE_GATED;
        rollout.gateRollbackId = armedBy == null ? null : armedBy.id;
        rollout.requiredSuites = mapper.valueToTree(requiredSuites).toString();
        rollout.gateReason = DeploymentService.truncate(deployment.key() + " was rolled back"
                + (armedBy == null ? "" : " (rollback " + armedBy.id + ")") + ": " + deployment.version
                + " needs passing test evidence first (required suites: "
                + (requiredSuites.isEmpty() ? "any, no failures" : String.join(", ", requiredSuites)) + "); " + missing);
        rollouts.persist(rollout);
        deployment.changeStatus(DeploymentStatus.GATED, now, rollout.gateReason);
        ObjectNode content = events.content(rollout, deployment, stable);
        content.put("reason", rollout.gateReason);
        content.set("requiredSuites", mapper.valueToTree(requiredSuites));
        content.put("rollbackId", rollout.gateRollbackId);
        enqueue(RolloutEvents.GATED, rollout, deployment, content, deployment.ciEventId);
        LOG.infof("Deployment %s: %s %s GATED: %s", deployment.id, deployment.key(), deployment.version,
                rollout.gateReason);
        return rollout;
    }

    /** Starts a canary / blue-green rollout of a new deployment (caller's transaction, target locked). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollout start(Deployment deployment, ObjectNode strategy, Deployment stable) {
        OffsetDateTime now = DeploymentService.now();
        Rollout rollout = newRollout(deployment, strategy, stable, now);
        rollouts.persist(rollout);
        deployment.changeStatus(DeploymentStatus.ROLLING_OUT, now, Strategies.type(strategy) + " rollout against "
                + stable.version);
        enterStep(rollout, deployment, 0, now, deployment.ciEventId);
        LOG.infof("Deployment %s: %s %s rolls out (%s) beside %s", deployment.id, deployment.key(), deployment.version,
                rollout.strategy, stable.version);
        return rollout;
    }

    /** The rollout still needing a decision on the target, if any. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Rollout> inProgress(String service, String environment) {
        return rollouts.inProgress(service, environment);
    }

    /** The target's rollout in progress, else its gated deployment's, if any. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Rollout> pending(String service, String environment) {
        return rollouts.inProgress(service, environment)
                .or(() -> rollouts.gated(service, environment).stream().findFirst());
    }

    /** A newer deployment replaces the target's gated ones (caller's transaction, target locked). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void supersedeGated(String service, String environment, String newVersion) {
        OffsetDateTime now = DeploymentService.now();
        for (Rollout rollout : rollouts.gated(service, environment)) {
            Deployment gated = deployments.findById(rollout.deploymentId);
            rollout.phase = Rollout.SUPERSEDED;
            rollout.updatedAt = now;
            gated.changeStatus(DeploymentStatus.SUPERSEDED, now, "replaced while gated by " + newVersion);
            // it never ran: history only, never a version to go back to
            gated.late = true;
            LOG.infof("Deployment %s: gated %s %s replaced by %s", gated.id, gated.key(), gated.version, newVersion);
        }
    }

    /** The tests a REST deployment names: evidence for its gate, one row per suite. Caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordTests(Deployment deployment, int passed, int failed, List<String> suites) {
        OffsetDateTime now = DeploymentService.now();
        List<String> named = suites.isEmpty() ? List.of("tests") : suites;
        for (int i = 0; i < named.size(); i++) {
            TestEvidence run = new TestEvidence();
            run.id = "rest:" + deployment.id + ":" + named.get(i);
            run.chainId = deployment.chainId;
            run.artifactId = deployment.artifactId;
            run.service = deployment.service;
            run.version = deployment.version;
            run.suite = named.get(i);
            run.outcome = failed > 0 ? "fail" : TestEvidence.PASS;
            // the counts are of the whole report: kept once, so sums over suites stay right
            run.passed = i == 0 ? passed : null;
            run.failed = i == 0 ? failed : null;
            run.source = TestEvidence.REST;
            run.eventTime = now;
            run.receivedAt = now;
            evidence.persist(run);
        }
    }

    /** A testsuiterun.finished from CI: kept as evidence, and any gated deployment it opens is released. */
    @Transactional
    public void evidence(TestSuiteRunEvent run) {
        OffsetDateTime now = DeploymentService.now();
        if (evidence.findById(run.eventId()) == null) {
            TestEvidence row = new TestEvidence();
            row.id = run.eventId();
            row.chainId = run.chainId();
            row.artifactId = run.artifactId();
            row.service = run.service();
            row.version = run.version();
            row.suite = run.suite();
            row.outcome = run.outcome();
            row.passed = run.passed();
            row.failed = run.failed();
            row.source = TestEvidence.TESTSUITERUN;
            row.eventTime = run.time() != null ? run.time().withOffsetSameInstant(java.time.ZoneOffset.UTC) : now;
            row.receivedAt = now;
            evidence.persist(row);
            evidence.flush();
        }
        LOG.infof("Test evidence %s: suite %s %s (chain %s, artifact %s)", run.eventId(), run.suite(), run.outcome(),
                run.chainId(), run.artifactId());
        for (Rollout candidate : rollouts.allGated()) {
            Deployment deployment = deployments.findById(candidate.deploymentId);
            boolean matches = deployment.chainId.equals(run.chainId()) || deployment.artifactId.equals(run.artifactId())
                    || (deployment.service.equals(run.service()) && deployment.version.equals(run.version()));
            if (!matches) {
                continue;
            }
            deployments.lockTarget(deployment.service, deployment.environment);
            Rollout rollout = rollouts.findById(candidate.deploymentId);
            // read again under the lock: another instance (or an override) may have released it meanwhile
            rollouts.getEntityManager().refresh(rollout);
            deployments.getEntityManager().refresh(deployment);
            if (!Rollout.GATED.equals(rollout.phase)) {
                LOG.infof("Test evidence %s: deployment %s is %s already", run.eventId(), deployment.id, rollout.phase);
                continue;
            }
            RedeployGate.Decision decision = gate.evaluate(deployment, suites(rollout));
            if (decision.open()) {
                release(rollout, deployment, BY_EVIDENCE, decision.reason(), decision.evidence(), run.eventId(), null);
            } else {
                LOG.infof("Deployment %s stays gated: %s", deployment.id, decision.reason());
            }
        }
    }

    // ---- the executor calls ------------------------------------------------------------------------------------

    /** Claims the next due step call (no other instance takes it until the claim lapses). */
    @Transactional
    public Optional<StepClaim> claimNext() {
        while (true) {
            OffsetDateTime now = DeploymentService.now();
            Optional<Rollout> due = rollouts.lockNextDue(now);
            if (due.isEmpty()) {
                return Optional.empty();
            }
            Rollout rollout = due.get();
            Deployment deployment = deployments.findById(rollout.deploymentId);
            if (deployment == null || deployment.status != DeploymentStatus.ROLLING_OUT) {
                rollout.phase = Rollout.SUPERSEDED;
                rollout.pendingAction = null;
                LOG.warnf("Rollout of %s: the deployment is no longer rolling out; step dropped", rollout.deploymentId);
                continue;
            }
            Deployment stable = rollout.stableDeploymentId == null ? null : deployments.findById(rollout.stableDeploymentId);
            rollout.attempts++;
            rollout.claimedUntil = ExecutorCalls.claimUntil(config, now);
            StepAction action = StepAction.valueOf(rollout.pendingAction);
            int weight = action == StepAction.PROMOTE ? 100 : spec(rollout, rollout.stepIndex).weight();
            String executor = targets.choiceFor(rollout.service, rollout.environment).executor();
            return Optional.of(new StepClaim(rollout.deploymentId, executor, step(rollout, deployment, stable, action,
                    weight, null), rollout.attempts));
        }
    }

    /** The executor applied the step (or took it): the rollout goes on. A rollout moved on meanwhile stays so. */
    @Transactional
    public void stepSucceeded(StepClaim claim, ExecutionOutcome outcome) {
        Rollout rollout = lockedForClaim(claim);
        if (rollout == null) {
            return;
        }
        OffsetDateTime now = DeploymentService.now();
        Deployment deployment = deployments.findById(rollout.deploymentId);
        rollout.attempts = 0;
        rollout.claimedUntil = null;
        rollout.nextAttemptAt = null;
        if (claim.step().action() == StepAction.PROMOTE) {
            promoteNow(rollout, deployment, now, outcome.detail());
            return;
        }
        StepSpec spec = spec(rollout, rollout.stepIndex);
        rollout.pendingAction = null;
        rollout.weight = spec.weight();
        ObjectNode entry = stepEntry(rollout, rollout.stepIndex, now);
        entry.put("endedAt", now.toString());
        entry.put("detail", outcome.detail());
        saveStep(rollout, entry);
        ObjectNode content = events.content(rollout, deployment, stable(rollout));
        content.putObject("step").put("kind", spec.kind()).put("weight", spec.weight());
        content.putNull("analysis");
        enqueue(RolloutEvents.STEP_STARTED, rollout, deployment, content, null);
        LOG.infof("Rollout of %s: step %d %s at %d%% applied (%s)", deployment.id, rollout.stepIndex, spec.kind(),
                spec.weight(), outcome.detail());
        enterStep(rollout, deployment, rollout.stepIndex + 1, now, null);
    }

    /** The call failed: retried with backoff while attempts remain and the failure is transient, else PAUSED. */
    @Transactional
    public void stepFailed(StepClaim claim, String detail, boolean transientFailure) {
        Rollout rollout = lockedForClaim(claim);
        if (rollout == null) {
            return;
        }
        OffsetDateTime now = DeploymentService.now();
        if (ExecutorCalls.retried(config, rollout.attempts, transientFailure)) {
            Duration backoff = ExecutorCalls.backoff(config, rollout.attempts);
            rollout.nextAttemptAt = now.plus(backoff);
            rollout.claimedUntil = null;
            LOG.warnf("Rollout of %s: %s attempt %d of %d failed: %s; retrying in %d s", rollout.deploymentId,
                    claim.step().stepId(), rollout.attempts, config.executionAttempts(), detail, backoff.toSeconds());
            return;
        }
        Deployment deployment = deployments.findById(rollout.deploymentId);
        pauseRollout(rollout, deployment, BY_EXECUTOR, claim.step().action().wireName() + " failed at step "
                + (rollout.stepIndex + 1) + " (" + rollout.attempts + " attempt" + (rollout.attempts == 1 ? "" : "s")
                + "): " + detail + "; resume to try again", null, now);
    }

    /** Pause steps whose verdict did not come in time pause the rollout. */
    @Transactional
    public void pauseOverdue() {
        OffsetDateTime now = DeploymentService.now();
        for (String id : rollouts.overdue(now)) {
            Rollout unlocked = rollouts.findById(id);
            deployments.lockTarget(unlocked.service, unlocked.environment);
            rollouts.getEntityManager().refresh(unlocked);
            if (Rollout.ANALYSING.equals(unlocked.phase) && unlocked.stepDeadline != null
                    && unlocked.stepDeadline.isBefore(now)) {
                pauseRollout(unlocked, deployments.findById(id), BY_ANALYSIS, "no verdict for the analysis of step "
                        + (unlocked.stepIndex + 1) + " by " + unlocked.stepDeadline + "; resume to go on or abort", null, now);
            }
        }
    }

    // ---- verdicts ----------------------------------------------------------------------------------------------

    /**
     * The verdict of a step's analysis: passed goes on, failed aborts, inconclusive pauses. A verdict for another
     * step than the one running (an old one, redelivered or late) only changes nothing.
     */
    @Transactional
    public void verdict(AnalysisVerdictEvent verdict) {
        Optional<Deployment> found = deployments.findByIdOptional(verdict.deploymentId());
        if (found.isEmpty()) {
            LOG.infof("Step verdict %s for deployment %s, unknown here: ignored", verdict.eventId(), verdict.deploymentId());
            return;
        }
        deployments.lockTarget(found.get().service, found.get().environment);
        Deployment deployment = deployments.findById(verdict.deploymentId());
        Rollout rollout = rollouts.findById(deployment.id);
        Integer step = verdict.stepIndex();
        boolean current = rollout != null && step != null && step == rollout.stepIndex
                && (Rollout.ANALYSING.equals(rollout.phase) || Rollout.PAUSED.equals(rollout.phase))
                && StepSpec.PAUSE.equals(spec(rollout, step).kind());
        if (!current || verdict.endedByReplacement()) {
            LOG.infof("Step verdict %s (%s, step %s) for %s: not the running step (%s): ignored", verdict.eventId(),
                    verdict.outcome(), step, deployment.id, rollout == null ? "no rollout"
                            : rollout.phase + " at step " + rollout.stepIndex);
            return;
        }
        OffsetDateTime now = DeploymentService.now();
        ObjectNode entry = stepEntry(rollout, step, now);
        entry.put("verdict", verdict.outcome());
        entry.put("verdictReason", verdict.reason());
        entry.put("endedAt", now.toString());
        saveStep(rollout, entry);
        String human = "analysis of step " + (step + 1) + " " + verdict.outcome().toLowerCase() + ": " + verdict.reason();
        switch (verdict.outcome()) {
            case AnalysisVerdictEvent.FAILED -> {
                deployment.flagged = true;
                startAbort(rollout, deployment, BY_ANALYSIS, human, null, verdict.eventId(), null);
            }
            case AnalysisVerdictEvent.PASSED -> {
                if (Rollout.ANALYSING.equals(rollout.phase)) {
                    rollout.stepDeadline = null;
                    continueAfterPause(rollout, deployment, now, verdict.eventId());
                }
            }
            default -> {
                if (Rollout.ANALYSING.equals(rollout.phase)) {
                    pauseRollout(rollout, deployment, BY_ANALYSIS, human + "; resume to go on or abort", null, now,
                            verdict.eventId());
                }
            }
        }
    }

    // ---- people ------------------------------------------------------------------------------------------------

    /** Ends the running pause and goes to the next step; {@code full}: straight to all traffic. */
    @Transactional
    public Rollout promote(String deploymentId, boolean full, String by) {
        Rollout rollout = lockedForPerson(deploymentId);
        Deployment deployment = deployments.findById(deploymentId);
        OffsetDateTime now = DeploymentService.now();
        boolean pending = rollout.pendingAction != null;
        if (!(Rollout.ANALYSING.equals(rollout.phase) || Rollout.PAUSED.equals(rollout.phase))) {
            throw wrongState(rollout, deployment, "promote");
        }
        rollout.requestedBy = by;
        rollout.stepDeadline = null;
        rollout.pausedBy = null;
        rollout.pausedReason = null;
        if (full) {
            toPromote(rollout, rollout.stepIndex, BY_PERSON, now);
        } else if (pending) {
            toStepping(rollout, StepAction.valueOf(rollout.pendingAction), now);
        } else {
            endStep(rollout, now);
            if (StepSpec.PAUSE.equals(spec(rollout, rollout.stepIndex).kind())
                    && Strategies.BLUE_GREEN.equals(Strategies.type(Strategies.read(rollout.strategy)))) {
                toPromote(rollout, rollout.stepIndex, BY_PERSON, now);
            } else {
                enterStep(rollout, deployment, rollout.stepIndex + 1, now, null);
            }
        }
        LOG.infof("Rollout of %s: promoted%s by %s", deploymentId, full ? " fully" : "", by);
        return rollout;
    }

    @Transactional
    public Rollout pause(String deploymentId, String reason, String by) {
        Rollout rollout = lockedForPerson(deploymentId);
        Deployment deployment = deployments.findById(deploymentId);
        if (!Rollout.ANALYSING.equals(rollout.phase)) {
            throw wrongState(rollout, deployment, "pause");
        }
        rollout.requestedBy = by;
        pauseRollout(rollout, deployment, BY_PERSON, reason == null || reason.isBlank() ? "paused by "
                + (by == null ? "a person" : by) : reason, by, DeploymentService.now());
        return rollout;
    }

    /** Goes on after a pause: a failed executor call is tried again, a pause step ends. */
    @Transactional
    public Rollout resume(String deploymentId, String by) {
        Rollout rollout = lockedForPerson(deploymentId);
        Deployment deployment = deployments.findById(deploymentId);
        if (!Rollout.PAUSED.equals(rollout.phase)) {
            throw wrongState(rollout, deployment, "resume");
        }
        OffsetDateTime now = DeploymentService.now();
        rollout.requestedBy = by;
        String pausedBy = rollout.pausedBy;
        rollout.pausedBy = null;
        rollout.pausedReason = null;
        if (rollout.pendingAction != null) {
            toStepping(rollout, StepAction.valueOf(rollout.pendingAction), now);
        } else if (BY_PERSON.equals(pausedBy) && awaitsVerdict(rollout, now)) {
            // paused by a person while its analysis ran: wait for that verdict again, until the step's own deadline
            // (at least the grace from now); a step analysed over the spec's window has none, as when it started
            ObjectNode entry = stepEntry(rollout, rollout.stepIndex, now);
            Duration window = spec(rollout, rollout.stepIndex).duration();
            rollout.phase = Rollout.ANALYSING;
            if (window == null) {
                rollout.stepDeadline = null;
            } else {
                OffsetDateTime due = OffsetDateTime.parse(entry.path("startedAt").asText(now.toString())).plus(window)
                        .plus(config.verdictGrace());
                OffsetDateTime least = now.plus(config.verdictGrace());
                rollout.stepDeadline = due.isAfter(least) ? due : least;
            }
        } else {
            endStep(rollout, now);
            if (Strategies.BLUE_GREEN.equals(Strategies.type(Strategies.read(rollout.strategy)))) {
                toPromote(rollout, rollout.stepIndex, BY_PERSON, now);
            } else {
                continueAfterPause(rollout, deployment, now, null);
            }
        }
        LOG.infof("Rollout of %s: resumed by %s", deploymentId, by);
        return rollout;
    }

    @Transactional
    public Rollout abort(String deploymentId, String reason, String by) {
        Rollout rollout = lockedForPerson(deploymentId);
        Deployment deployment = deployments.findById(deploymentId);
        // ABORT_FAILED: the executor could not take the traffic back; a person tries again
        if (!(Rollout.STEPPING.equals(rollout.phase) || Rollout.ANALYSING.equals(rollout.phase)
                || Rollout.PAUSED.equals(rollout.phase) || Rollout.ABORT_FAILED.equals(rollout.phase))) {
            throw wrongState(rollout, deployment, "abort");
        }
        rollout.requestedBy = by;
        startAbort(rollout, deployment, BY_PERSON, reason, null, null, by);
        return rollout;
    }

    /** Releases a gated deployment without evidence; who and why are recorded. */
    @Transactional
    public Rollout override(String deploymentId, String reason, String by) {
        Rollout rollout = lockedForPerson(deploymentId);
        Deployment deployment = deployments.findById(deploymentId);
        if (!Rollout.GATED.equals(rollout.phase)) {
            throw wrongState(rollout, deployment, "override the gate of");
        }
        rollout.requestedBy = by;
        rollout.overrideReason = DeploymentService.truncate(reason);
        rollout.overriddenBy = by;
        release(rollout, deployment, BY_OVERRIDE, "gate overridden by " + (by == null ? "a person" : by) + ": " + reason,
                null, null, by);
        return rollout;
    }

    @Transactional
    public Optional<Rollout> find(String deploymentId) {
        return rollouts.findByIdOptional(deploymentId);
    }

    // ---- abort -------------------------------------------------------------------------------------------------

    /**
     * A rollback request naming a deployment that is rolling out aborts its rollout (caller's transaction, target
     * locked); null when the deployment has no rollout to abort.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Rollback abortRequested(RollbackRequestedEvent request, Deployment deployment) {
        Rollout rollout = rollouts.findById(deployment.id);
        if (rollout == null || !(Rollout.STEPPING.equals(rollout.phase) || Rollout.ANALYSING.equals(rollout.phase)
                || Rollout.PAUSED.equals(rollout.phase))) {
            return null;
        }
        return startAbort(rollout, deployment, BY_ROLLBACK, request.reason(), request.rollbackId(), request.eventId(),
                null);
    }

    /** The id of the rollback that aborts (or aborted) the deployment's rollout, if one does. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> abortedBy(String deploymentId) {
        return rollouts.findByIdOptional(deploymentId).filter(rollout -> rollout.abortRollbackId != null)
                .map(rollout -> rollout.abortRollbackId);
    }

    /** The executor took all traffic back to the stable version (caller's transaction, target locked). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void abortDone(Rollback rollback, String detail, String reportedBy) {
        OffsetDateTime now = DeploymentService.now();
        Deployment deployment = deployments.findById(rollback.deploymentId);
        Deployment stable = deployments.findById(rollback.restoredDeploymentId);
        Rollout rollout = rollouts.findById(rollback.deploymentId);
        rollback.settle(Rollback.EXECUTED, detail, now);
        rollback.reportedBy = reportedBy;
        deployment.flagged = true;
        deployment.changeStatus(DeploymentStatus.ROLLED_BACK, now, "rollout aborted: " + rollback.reason);
        rollout.phase = Rollout.ABORTED;
        rollout.weight = 0;
        rollout.updatedAt = now;
        outbox.enqueue(config.deploymentsTopic(), deployment.key(), deploymentEvents.rolledBack(rollback, stable,
                deployment.chainId, rollout.lastEventId));
        LOG.infof("Rollout of %s aborted (%s): all traffic back on %s", deployment.id, reportedBy, stable.version);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void abortFailed(Rollback rollback) {
        Rollout rollout = rollouts.findById(rollback.deploymentId);
        rollout.phase = Rollout.ABORT_FAILED;
        rollout.pausedReason = rollback.outcomeDetail;
        rollout.updatedAt = DeploymentService.now();
    }

    /** The step call of an abort, for the rollback runner. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<RolloutStep> abortStep(Rollback rollback) {
        Rollout rollout = rollouts.findById(rollback.deploymentId);
        Deployment deployment = deployments.findById(rollback.deploymentId);
        if (rollout == null || deployment == null || !Rollout.ABORTING.equals(rollout.phase)) {
            return Optional.empty();
        }
        return Optional.of(step(rollout, deployment, deployments.findById(rollback.restoredDeploymentId),
                StepAction.ABORT, 0, rollback.reason));
    }

    private Rollback startAbort(Rollout rollout, Deployment deployment, String abortedBy, String reason,
                                String rollbackId, String triggeredBy, String by) {
        OffsetDateTime now = DeploymentService.now();
        Deployment stable = deployments.findCurrent(deployment.service, deployment.environment)
                .orElseGet(() -> stable(rollout));
        String id = rollbackId != null ? rollbackId : "abort-" + deployment.id;
        Rollback existing = rollbacks.findById(id);
        // A settled rollback keeps its outcome (its rollback.failed is published): another attempt is a new rollback.
        for (int attempt = 2; existing != null && !existing.isOpen(); attempt++) {
            id = "abort-" + deployment.id + "-" + attempt;
            existing = rollbacks.findById(id);
        }
        Rollback rollback = existing != null ? existing : new Rollback();
        rollback.id = id;
        rollback.deploymentId = deployment.id;
        rollback.service = deployment.service;
        rollback.environment = deployment.environment;
        rollback.fromVersion = deployment.version;
        rollback.toVersion = stable.version;
        rollback.restoredDeploymentId = stable.id;
        rollback.reason = DeploymentService.truncate(reason);
        rollback.requestedAt = now;
        rollback.chainId = deployment.chainId;
        rollback.requestEventId = triggeredBy;
        rollback.executor = targets.choiceFor(deployment.service, deployment.environment).executor();
        rollback.rolloutAbort = true;
        rollback.outcome = Rollback.EXECUTING;
        rollback.outcomeDetail = null;
        rollback.attempts = 0;
        rollback.finishedAt = null;
        rollback.claimedUntil = null;
        rollback.nextAttemptAt = now;
        if (existing == null) {
            rollbacks.persist(rollback);
        }
        rollout.phase = Rollout.ABORTING;
        rollout.abortRollbackId = id;
        rollout.pendingAction = null;
        rollout.claimedUntil = null;
        rollout.stepDeadline = null;
        rollout.pausedReason = null;
        rollout.updatedAt = now;
        ObjectNode content = events.content(rollout, deployment, stable);
        content.put("abortedBy", abortedBy);
        content.put("rollbackId", id);
        content.put("reason", rollback.reason);
        enqueue(RolloutEvents.ABORTED, rollout, deployment, content, triggeredBy);
        if (!BY_PERSON.equals(abortedBy)) {
            // a person's abort is audited as their request; the service's own (analysis, rollback request) here
            audit.recordAutomatic("rollout.aborted", deployment.key(), "aborted", "rollout of " + deployment.version
                    + " (" + deployment.id + ") aborted by " + abortedBy + ": " + rollback.reason);
        }
        LOG.warnf("Rollout of %s (%s %s) aborting by %s: %s", deployment.id, deployment.key(), deployment.version,
                abortedBy, reason);
        return rollback;
    }

    // ---- transitions -------------------------------------------------------------------------------------------

    private void release(Rollout rollout, Deployment deployment, String releasedBy, String reason, ObjectNode shown,
                         String triggeredBy, String by) {
        OffsetDateTime now = DeploymentService.now();
        rollout.gateStatus = GATE_RELEASED;
        rollout.releasedBy = releasedBy;
        rollout.releasedAt = now;
        rollout.evidence = shown == null ? null : shown.toString();
        rollout.gateReason = DeploymentService.truncate(reason);
        Optional<Deployment> current = deployments.findCurrent(deployment.service, deployment.environment);
        current.ifPresent(stable -> rollout.stableDeploymentId = stable.id);
        ObjectNode content = events.content(rollout, deployment, current.orElse(null));
        content.put("releasedBy", releasedBy);
        content.put("reason", rollout.gateReason);
        content.set("evidence", shown);
        enqueue(RolloutEvents.RELEASED, rollout, deployment, content, triggeredBy);
        if (BY_EVIDENCE.equals(releasedBy)) {
            audit.recordAutomatic("gate.released", deployment.key(), "released", "deployment " + deployment.id + " ("
                    + deployment.version + ") released by test evidence: " + rollout.gateReason);
        }
        deployment.changeStatus(DeploymentStatus.ROLLING_OUT, now, "released (" + releasedBy + "): " + reason);
        ObjectNode strategy = Strategies.read(rollout.strategy);
        LOG.infof("Deployment %s released from the gate (%s): %s", deployment.id, releasedBy, reason);
        if (Strategies.progressive(strategy) && current.isPresent()) {
            enterStep(rollout, deployment, 0, now, null);
        } else if (targets.executors().named(targets.choiceFor(deployment.service, deployment.environment).executor())
                .map(executor -> executor.runsRollouts()).orElse(false)) {
            toPromote(rollout, -1, "gate", now);
        } else {
            // the target's executor cannot deploy: whoever deploys it goes on; Lifeguard records the promotion
            rollout.promotedBy = "gate";
            promoteNow(rollout, deployment, now, "the target's executor does not carry out steps: recorded only");
        }
    }

    /** Starts step {@code index}: an executor call, a pause with its analysis, or the promotion after the last. */
    private void enterStep(Rollout rollout, Deployment deployment, int index, OffsetDateTime now, String triggeredBy) {
        List<StepSpec> steps = Strategies.steps(Strategies.read(rollout.strategy));
        rollout.updatedAt = now;
        if (index >= steps.size()) {
            toPromote(rollout, Math.max(steps.size() - 1, rollout.stepIndex), rollout.promotedBy != null
                    ? rollout.promotedBy : "steps", now);
            return;
        }
        rollout.stepIndex = index;
        StepSpec spec = steps.get(index);
        switch (spec.kind()) {
            case StepSpec.SET_WEIGHT -> {
                if (spec.weight() >= 100) {
                    toPromote(rollout, index, "steps", now);
                } else {
                    toStepping(rollout, StepAction.SET_WEIGHT, now);
                }
            }
            case StepSpec.PREVIEW -> toStepping(rollout, StepAction.SET_WEIGHT, now);
            default -> {
                boolean blueGreen = Strategies.BLUE_GREEN.equals(Strategies.type(Strategies.read(rollout.strategy)));
                boolean analysed = spec.duration() != null || blueGreen;
                String analysisId = analysed ? deployment.id + "#" + index : null;
                ObjectNode entry = stepEntry(rollout, index, now);
                entry.put("analysisId", analysisId);
                saveStep(rollout, entry);
                ObjectNode content = events.content(rollout, deployment, stable(rollout));
                content.putObject("step").put("kind", StepSpec.PAUSE)
                        .put("duration", spec.duration() == null ? null : spec.duration().toString());
                if (analysed) {
                    content.putObject("analysis").put("analysisId", analysisId)
                            .put("window", spec.duration() == null ? null : spec.duration().toString());
                } else {
                    content.putNull("analysis");
                }
                enqueue(RolloutEvents.STEP_STARTED, rollout, deployment, content, triggeredBy);
                rollout.pendingAction = null;
                if (analysed) {
                    rollout.phase = Rollout.ANALYSING;
                    // without a window (the spec's) the verdict is awaited without a deadline
                    rollout.stepDeadline = spec.duration() == null ? null
                            : now.plus(spec.duration()).plus(config.verdictGrace());
                } else {
                    rollout.phase = Rollout.PAUSED;
                    rollout.pausedBy = null;
                    rollout.pausedReason = "pause step " + (index + 1) + " waits for promote";
                }
            }
        }
    }

    /** A pause step ended (its analysis passed, or a person went on): the next step, or promotion. */
    private void continueAfterPause(Rollout rollout, Deployment deployment, OffsetDateTime now, String triggeredBy) {
        ObjectNode strategy = Strategies.read(rollout.strategy);
        if (Strategies.BLUE_GREEN.equals(Strategies.type(strategy))) {
            if (strategy.path("autoPromote").asBoolean(true)) {
                toPromote(rollout, rollout.stepIndex, "auto", now);
            } else {
                pauseRollout(rollout, deployment, BY_ANALYSIS, "the preview of " + deployment.version
                        + " passed its analysis: promote to switch all traffic to it", null, now, triggeredBy);
            }
            return;
        }
        enterStep(rollout, deployment, rollout.stepIndex + 1, now, triggeredBy);
    }

    private void toPromote(Rollout rollout, int index, String promotedBy, OffsetDateTime now) {
        rollout.stepIndex = index;
        rollout.promotedBy = promotedBy;
        toStepping(rollout, StepAction.PROMOTE, now);
    }

    private void toStepping(Rollout rollout, StepAction action, OffsetDateTime now) {
        rollout.phase = Rollout.STEPPING;
        rollout.pendingAction = action.name();
        rollout.attempts = 0;
        rollout.nextAttemptAt = now;
        rollout.claimedUntil = null;
        rollout.stepDeadline = null;
        rollout.updatedAt = now;
    }

    /** The new version takes all traffic: it becomes current (the stable one is replaced), as a deployment does. */
    private void promoteNow(Rollout rollout, Deployment deployment, OffsetDateTime now, String detail) {
        List<Deployment> history = deployments.history(deployment.service, deployment.environment);
        Optional<Deployment> current = deployments.findCurrent(deployment.service, deployment.environment);
        String previousVersion = current.map(previous -> previous.version).orElse(null);
        current.ifPresent(previous -> DeploymentService.replace(previous, "replaced by " + deployment.version
                + " (rollout promoted)", now));
        deployments.flush();
        deployment.current = true;
        deployment.promotedAt = now;
        deployment.changeStatus(DeploymentStatus.ANALYSING, now, "promoted (" + rollout.promotedBy + "): takes all traffic");
        rollout.phase = Rollout.PROMOTED;
        rollout.pendingAction = null;
        rollout.weight = 100;
        rollout.updatedAt = now;
        if (rollout.stepIndex >= 0) {
            ObjectNode entry = stepEntry(rollout, rollout.stepIndex, now);
            entry.put("endedAt", now.toString());
            saveStep(rollout, entry);
        }
        ObjectNode content = events.content(rollout, deployment, current.orElse(null));
        content.put("promotedBy", rollout.promotedBy);
        content.put("previousVersion", previousVersion);
        content.put("reason", switch (String.valueOf(rollout.promotedBy)) {
            case "steps" -> "every step passed";
            case "auto" -> "the preview passed its analysis";
            case "gate" -> "released from the gate";
            default -> "promoted by " + (rollout.requestedBy == null ? "a person" : rollout.requestedBy);
        });
        CloudEvent promoted = enqueue(RolloutEvents.PROMOTED, rollout, deployment, content, null);
        // the promotion itself is the service's act (its executor call went through), whoever asked for it
        audit.recordAutomatic("rollout.promoted", deployment.key(), "promoted", deployment.version + " ("
                + deployment.id + ") takes all traffic, promoted by " + rollout.promotedBy
                + (previousVersion == null ? "" : ", replacing " + previousVersion));
        boolean first = history.stream().allMatch(other -> other.id.equals(deployment.id));
        outbox.enqueue(config.deploymentsTopic(), deployment.key(), deploymentEvents.deployed(deployment, first,
                previousVersion, StableVersions.choose(history, deployment.version).orElse(null), true, promoted.id()));
        LOG.infof("Rollout of %s promoted (%s): %s %s takes all traffic (%s)", deployment.id, rollout.promotedBy,
                deployment.key(), deployment.version, detail);
    }

    private void pauseRollout(Rollout rollout, Deployment deployment, String by, String reason, String requestedBy,
                              OffsetDateTime now) {
        pauseRollout(rollout, deployment, by, reason, requestedBy, now, null);
    }

    private void pauseRollout(Rollout rollout, Deployment deployment, String by, String reason, String requestedBy,
                              OffsetDateTime now, String triggeredBy) {
        rollout.phase = Rollout.PAUSED;
        rollout.pausedBy = by;
        rollout.pausedReason = DeploymentService.truncate(reason);
        rollout.stepDeadline = null;
        rollout.claimedUntil = null;
        rollout.nextAttemptAt = null;
        rollout.updatedAt = now;
        if (requestedBy != null) {
            rollout.requestedBy = requestedBy;
        }
        ObjectNode content = events.content(rollout, deployment, stable(rollout));
        content.put("pausedBy", by);
        content.put("reason", rollout.pausedReason);
        enqueue(RolloutEvents.PAUSED, rollout, deployment, content, triggeredBy);
        if (!BY_PERSON.equals(by)) {
            audit.recordAutomatic("rollout.paused", deployment.key(), "paused", "rollout of " + deployment.version
                    + " (" + deployment.id + ") paused by " + by + ": " + rollout.pausedReason);
        }
        LOG.warnf("Rollout of %s paused by %s: %s", deployment.id, by, reason);
    }

    private void endStep(Rollout rollout, OffsetDateTime now) {
        if (rollout.stepIndex >= 0) {
            ObjectNode entry = stepEntry(rollout, rollout.stepIndex, now);
            if (!entry.hasNonNull("endedAt")) {
                entry.put("endedAt", now.toString());
                saveStep(rollout, entry);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Whether the running step is a pause whose analysis has given no verdict yet. */
    private boolean awaitsVerdict(Rollout rollout, OffsetDateTime now) {
        if (rollout.stepIndex < 0 || !StepSpec.PAUSE.equals(spec(rollout, rollout.stepIndex).kind())) {
            return false;
        }
        ObjectNode entry = stepEntry(rollout, rollout.stepIndex, now);
        return entry.hasNonNull("analysisId") && !entry.hasNonNull("verdict");
    }

    private Rollout newRollout(Deployment deployment, ObjectNode strategy, Deployment stable, OffsetDateTime now) {
        Rollout rollout = new Rollout();
        rollout.deploymentId = deployment.id;
        rollout.service = deployment.service;
        rollout.environment = deployment.environment;
        rollout.strategy = strategy.toString();
        rollout.phase = Rollout.STEPPING;
        rollout.stepIndex = -1;
        rollout.stepCount = Strategies.steps(strategy).size();
        rollout.weight = 0;
        rollout.stableDeploymentId = stable == null ? null : stable.id;
        rollout.steps = "[]";
        rollout.createdAt = now;
        rollout.updatedAt = now;
        return rollout;
    }

    private RolloutStep step(Rollout rollout, Deployment deployment, Deployment stable, StepAction action, int weight,
                             String reason) {
        return new RolloutStep(deployment.id + "/" + rollout.stepIndex + "/" + action.wireName(), action,
                Strategies.type(Strategies.read(rollout.strategy)), deployment.id, deployment.service,
                deployment.environment, deployment.version, deployment.artifactId, deployment.image,
                stable == null ? null : stable.version, stable == null ? null : stable.artifactId,
                stable == null ? null : stable.image, rollout.stepIndex, weight, reason, deployment.chainId);
    }

    private CloudEvent enqueue(String type, Rollout rollout, Deployment deployment, ObjectNode content,
                               String triggeredBy) {
        CloudEvent event = events.event(type, rollout, deployment, content, triggeredBy);
        outbox.enqueue(config.deploymentsTopic(), deployment.key(), event);
        return event;
    }

    private Deployment stable(Rollout rollout) {
        return rollout.stableDeploymentId == null ? null : deployments.findById(rollout.stableDeploymentId);
    }

    private static StepSpec spec(Rollout rollout, int index) {
        List<StepSpec> steps = Strategies.steps(Strategies.read(rollout.strategy));
        return index >= 0 && index < steps.size() ? steps.get(index) : new StepSpec(StepSpec.SET_WEIGHT, 100, null);
    }

    private List<String> suites(Rollout rollout) {
        List<String> suites = new ArrayList<>();
        readArray(rollout.requiredSuites).forEach(suite -> suites.add(suite.asText()));
        return suites;
    }

    /** The history entry of step {@code index}, created (started now) when it has none yet. */
    private ObjectNode stepEntry(Rollout rollout, int index, OffsetDateTime now) {
        for (JsonNode entry : readArray(rollout.steps)) {
            if (entry.path("index").asInt() == index) {
                return (ObjectNode) entry;
            }
        }
        StepSpec spec = spec(rollout, index);
        ObjectNode entry = mapper.createObjectNode();
        entry.put("index", index);
        entry.put("kind", spec.kind());
        entry.put("weight", StepSpec.PAUSE.equals(spec.kind()) ? rollout.weight : spec.weight());
        entry.put("duration", spec.duration() == null ? null : spec.duration().toString());
        entry.put("startedAt", now.toString());
        return entry;
    }

    private void saveStep(Rollout rollout, ObjectNode entry) {
        ArrayNode steps = readArray(rollout.steps);
        ArrayNode saved = mapper.createArrayNode();
        boolean replaced = false;
        for (JsonNode existing : steps) {
            if (existing.path("index").asInt() == entry.path("index").asInt()) {
                saved.add(entry);
                replaced = true;
            } else {
                saved.add(existing);
            }
        }
        if (!replaced) {
            saved.add(entry);
        }
        rollout.steps = saved.toString();
    }

    private ArrayNode readArray(String json) {
        try {
            return json == null ? mapper.createArrayNode() : (ArrayNode) mapper.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("not a JSON array: " + json, e);
        }
    }

    private Rollout lockedForClaim(StepClaim claim) {
        deployments.lockTarget(claim.step().service(), claim.step().environment());
        Rollout rollout = rollouts.findById(claim.deploymentId());
        if (rollout == null) {
            return null;
        }
        rollouts.getEntityManager().refresh(rollout);
        if (!Rollout.STEPPING.equals(rollout.phase) || !claim.step().action().name().equals(rollout.pendingAction)
                || rollout.stepIndex != claim.step().stepIndex()) {
            LOG.infof("Rollout of %s is %s at step %d now: result of %s not applied", rollout.deploymentId,
                    rollout.phase, rollout.stepIndex, claim.step().stepId());
            return null;
        }
        return rollout;
    }

    private Rollout lockedForPerson(String deploymentId) {
        Deployment deployment = deployments.findById(deploymentId);
        if (deployment == null) {
            throw new UnknownDeploymentException("no deployment with id '" + deploymentId + "'");
        }
        deployments.lockTarget(deployment.service, deployment.environment);
        Rollout rollout = rollouts.findById(deploymentId);
        if (rollout == null) {
            throw new WrongStateException("deployment " + deploymentId + " (" + deployment.version + ") is "
                    + deployment.status + " and has no rollout (strategy all-at-once)");
        }
        rollouts.getEntityManager().refresh(rollout);
        return rollout;
    }

    private static WrongStateException wrongState(Rollout rollout, Deployment deployment, String action) {
        return new WrongStateException("cannot " + action + " deployment " + deployment.id + " (" + deployment.version
                + "): it is " + deployment.status + ", its rollout " + rollout.phase
                + (rollout.pendingAction != null && Rollout.STEPPING.equals(rollout.phase)
                ? " (applying " + rollout.pendingAction.toLowerCase() + ")" : ""));
    }
}
