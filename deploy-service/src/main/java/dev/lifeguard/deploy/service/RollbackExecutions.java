package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.event.CiRollbackEvent;
import dev.lifeguard.deploy.event.DeploymentEvents;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.repository.DeploymentRepository;
import dev.lifeguard.deploy.repository.RollbackRepository;
import dev.lifeguard.support.audit.AuditTrail;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A rollback's life in three transactions: accepted (EXECUTING, committed before any platform is touched), claimed by
 * one instance for one executor call, and settled with the call's result, which goes out through the outbox:
 * {@code service.rolledback} when done, {@code lifeguard-rollback.accepted} when completion comes later,
 * {@code lifeguard-rollback.failed} when it finally fails, {@code lifeguard-rollback.skipped} when it is not executed.
 */
@ApplicationScoped
public class RollbackExecutions {

    public static final String BY_EXECUTOR = "executor";
    public static final String BY_CI = "ci";
    public static final String BY_PERSON = "person";

    /**
     * One executor call an instance holds the rollback for; {@code abortStep} is set for a rollout's abort, which is
     * carried out with the executor's abort step instead of a rollback.
     */
    public record Claim(String rollbackId, String executor, RollbackPlan plan, int attempt, RolloutStep abortStep) {
    }

    /** The rollback asked for does not exist. */
    public static class UnknownRollbackException extends RuntimeException {
        public UnknownRollbackException(String message) {
            super(message);
        }
    }

    /** The rollback is settled already and cannot be completed. */
    public static class RollbackSettledException extends RuntimeException {
        public RollbackSettledException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = Logger.getLogger(RollbackExecutions.class);

    private final DeploymentRepository deployments;
    private final RollbackRepository rollbacks;
    private final DeploymentService deploymentService;
    private final TargetService targets;
    private final DeploymentEvents events;
    private final Outbox outbox;
    private final DeployConfig config;
    private final Rollouts rollouts;
    private final AuditTrail audit;

    public RollbackExecutions(DeploymentRepository deployments, RollbackRepository rollbacks,
                              DeploymentService deploymentService, TargetService targets, DeploymentEvents events,
                              Outbox outbox, DeployConfig config, Rollouts rollouts, AuditTrail audit) {
        this.rollouts = rollouts;
        this.audit = audit;
        this.deployments = deployments;
        this.rollbacks = rollbacks;
        this.deploymentService = deploymentService;
        this.targets = targets;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
    }

    /**
     * Takes a rollback request once. It is SKIPPED when the deployment is unknown or no longer current, when the
     * target already runs the version it would go back to, when another rollback of the target is still open, or
     * when no version may be gone back to; else it is EXECUTING, to be claimed once this transaction commits. The
     * version gone back to is the requested one if it still may be, else the target's stable version now.
     */
    @Transactional
    public Rollback accept(RollbackRequestedEvent request) {
        Rollback existing = rollbacks.findById(request.rollbackId());
        if (existing != null) {
            return existing;
        }
        deployments.lockTarget(request.service(), request.environment());
        OffsetDateTime now = DeploymentService.now();
        Rollback rollback = new Rollback();
        rollback.id = request.rollbackId();
        rollback.deploymentId = request.deploymentId();
        rollback.service = request.service();
        rollback.environment = request.environment();
        rollback.fromVersion = request.fromVersion();
        rollback.toVersion = request.toVersion();
        rollback.reason = DeploymentService.truncate(request.reason());
        rollback.requestedAt = now;
        rollback.requestEventId = request.eventId();

        Optional<Deployment> failing = deployments.findByIdOptional(request.deploymentId());
        if (failing.isPresent() && !failing.get().current) {
            // A deployment rolling out is not current: asking to roll it back aborts its rollout.
            Rollback abort = rollouts.abortRequested(request, failing.get());
            if (abort != null) {
                return abort;
            }
            Optional<String> abortedBy = rollouts.abortedBy(failing.get().id);
            if (abortedBy.isPresent()) {
                rollback.chainId = request.chainId() != null ? request.chainId() : failing.get().chainId;
                rollback.settle(Rollback.SKIPPED, "rollout already aborted by " + abortedBy.get(), now);
                rollbacks.persist(rollback);
                skipped(rollback);
                LOG.warnf("Rollback %s skipped: %s", rollback.id, rollback.outcomeDetail);
                return rollback;
            }
        }
        rollback.chainId = request.chainId() != null ? request.chainId() : failing.map(d -> d.chainId).orElse(null);
        List<Deployment> history = deployments.history(request.service(), request.environment());
        Optional<Deployment> restored = StableVersions.ofVersion(history, request.toVersion())
                .or(() -> StableVersions.choose(history, request.fromVersion()).map(StableVersions.Choice::deployment));
        Optional<Rollback> open = rollbacks.openFor(request.service(), request.environment());
        String skipReason;
        if (failing.isEmpty()) {
            skipReason = "deployment " + request.deploymentId() + " is unknown here";
        } else if (!failing.get().current) {
            skipReason = "deployment " + request.deploymentId() + " (" + failing.get().version
                    + ") is no longer current: " + failing.get().status.name().toLowerCase().replace('_', ' ')
                    + (failing.get().statusReason != null ? " (" + failing.get().statusReason + ")" : "");
        } else if (open.isPresent()) {
            skipReason = "rollback " + open.get().id + " of " + request.service() + "/" + request.environment()
                    + " is still " + open.get().outcome.toLowerCase();
        } else if (restored.isEmpty()) {
            skipReason = "no version to go back to: none passed its analysis and none was replaced without being flagged";
        } else if (restored.get().version.equals(failing.get().version)) {
            skipReason = request.service() + "/" + request.environment() + " already runs " + failing.get().version;
        } else {
            skipReason = null;
        }
        if (skipReason != null) {
            rollback.settle(Rollback.SKIPPED, skipReason, now);
            rollbacks.persist(rollback);
            skipped(rollback);
            LOG.warnf("Rollback %s skipped: %s", rollback.id, skipReason);
            return rollback;
        }
        if (!restored.get().version.equals(request.toVersion())) {
            LOG.infof("Rollback %s: %s may not be gone back to any more; going back to %s instead", rollback.id,
                    request.toVersion(), restored.get().version);
        }
        rollback.toVersion = restored.get().version;
        rollback.restoredDeploymentId = restored.get().id;
        rollback.executor = targets.choiceFor(request.service(), request.environment()).executor();
        rollback.outcome = Rollback.EXECUTING;
        rollback.nextAttemptAt = now;
        rollbacks.persist(rollback);
        LOG.infof("Rollback %s accepted: %s %s -> %s with %s", rollback.id, key(rollback), rollback.fromVersion,
                rollback.toVersion, rollback.executor);
        return rollback;
    }

    /**
     * Claims the next due rollback for one executor call (no other instance takes it until the claim lapses). One
     * whose deployment is no longer current is SKIPPED instead.
     */
    @Transactional
    public Optional<Claim> claimNext() {
        while (true) {
            OffsetDateTime now = DeploymentService.now();
            Optional<Rollback> due = rollbacks.lockNextDue(now);
            if (due.isEmpty()) {
                return Optional.empty();
            }
            Rollback rollback = due.get();
            if (rollback.rolloutAbort) {
                Optional<RolloutStep> abort = rollouts.abortStep(rollback);
                if (abort.isEmpty()) {
                    rollback.settle(Rollback.SKIPPED, "the rollout of " + rollback.fromVersion + " is no longer aborting",
                            now);
                    skipped(rollback);
                    continue;
                }
                rollback.attempts++;
                rollback.claimedUntil = ExecutorCalls.claimUntil(config, now);
                return Optional.of(new Claim(rollback.id, rollback.executor, plan(rollback,
                        deployments.findById(rollback.restoredDeploymentId)), rollback.attempts, abort.get()));
            }
            Deployment failing = deployments.findById(rollback.deploymentId);
            Deployment restored = rollback.restoredDeploymentId == null ? null
                    : deployments.findById(rollback.restoredDeploymentId);
            if (failing == null || !failing.current || restored == null) {
                rollback.settle(Rollback.SKIPPED, "superseded: " + (failing == null ? "deployment unknown"
                        : failing.version + " is no longer current") + " when the rollback was to run", now);
                skipped(rollback);
                LOG.warnf("Rollback %s skipped: %s", rollback.id, rollback.outcomeDetail);
                continue;
            }
            rollback.attempts++;
            rollback.claimedUntil = ExecutorCalls.claimUntil(config, now);
            return Optional.of(new Claim(rollback.id, rollback.executor, plan(rollback, restored), rollback.attempts,
                    null));
        }
    }

    private static RollbackPlan plan(Rollback rollback, Deployment restored) {
        return new RollbackPlan(rollback.id, rollback.service, rollback.environment, rollback.fromVersion,
                rollback.toVersion, restored.artifactId, restored.image, rollback.reason, rollback.chainId);
    }

    /** The executor did it (or accepted it). A rollback settled meanwhile (completed by CI or a person) stays so. */
    @Transactional
    public void succeeded(Claim claim, ExecutionOutcome outcome) {
        Rollback rollback = lockedOpen(claim.rollbackId(), Rollback.EXECUTING);
        if (rollback == null) {
            return;
        }
        if (outcome.completed() || rollback.rolloutAbort) {
            // a platform that took an abort step applies it on its own: the rollout is over either way
            complete(rollback, outcome.detail(), BY_EXECUTOR);
        } else {
            rollback.outcome = Rollback.ACCEPTED;
            rollback.outcomeDetail = DeploymentService.truncate(outcome.detail());
            rollback.claimedUntil = null;
            rollback.nextAttemptAt = null;
            outbox.enqueue(config.deploymentsTopic(), key(rollback), events.rollbackAccepted(rollback,
                    completePath(rollback.id)));
            audit.recordAutomatic("rollback.accepted", key(rollback), Rollback.ACCEPTED.toLowerCase(), "rollback "
                    + rollback.id + " to " + rollback.toVersion + " taken by " + rollback.executor
                    + "; its completion is reported later");
            LOG.infof("Rollback %s accepted by %s: %s", rollback.id, rollback.executor, outcome.detail());
        }
    }

    /** The call failed: retried with backoff while attempts remain and the failure is transient, else FAILED. */
    @Transactional
    public void failed(Claim claim, String detail, boolean transientFailure) {
        Rollback rollback = lockedOpen(claim.rollbackId(), Rollback.EXECUTING);
        if (rollback == null) {
            return;
        }
        OffsetDateTime now = DeploymentService.now();
        if (ExecutorCalls.retried(config, rollback.attempts, transientFailure)) {
            Duration backoff = ExecutorCalls.backoff(config, rollback.attempts);
            rollback.nextAttemptAt = now.plus(backoff);
            rollback.claimedUntil = null;
            rollback.outcomeDetail = DeploymentService.truncate("attempt " + rollback.attempts + " of "
                    + config.executionAttempts() + " failed: " + detail + "; retrying in " + backoff.toSeconds() + " s");
            LOG.warnf("Rollback %s: %s", rollback.id, rollback.outcomeDetail);
            return;
        }
        rollback.settle(Rollback.FAILED, detail + " (" + rollback.attempts + " attempt"
                + (rollback.attempts == 1 ? "" : "s") + ")", now);
        if (rollback.rolloutAbort) {
            rollouts.abortFailed(rollback);
        }
        outbox.enqueue(config.deploymentsTopic(), key(rollback), events.rollbackFailed(rollback));
        audit.recordAutomatic("rollback.failed", key(rollback), Rollback.FAILED.toLowerCase(), "rollback " + rollback.id
                + " of " + rollback.fromVersion + " with " + rollback.executor + ": " + rollback.outcomeDetail);
        LOG.errorf("Rollback %s FAILED: %s still runs %s: %s", rollback.id, key(rollback), rollback.fromVersion,
                rollback.outcomeDetail);
    }

    /**
     * {@code subject} (a person, {@code reportedBy} {@link #BY_PERSON}, or a CI webhook receiver, {@link #BY_CI})
     * reports the rollback done ({@code POST /api/v1/rollbacks/{id}/complete}); null subject: someone unnamed.
     */
    @Transactional
    public Rollback completeBy(String rollbackId, String subject, String reportedBy, String note) {
        Rollback found = rollbacks.findById(rollbackId);
        if (found == null) {
            throw new UnknownRollbackException("no rollback with id '" + rollbackId + "'");
        }
        Rollback rollback = lockedOpen(rollbackId, null);
        if (rollback == null) {
            Rollback settled = rollbacks.findById(rollbackId);
            if (Rollback.EXECUTED.equals(settled.outcome)) {
                return settled;
            }
            throw new RollbackSettledException("rollback " + rollbackId + " is " + settled.outcome
                    + " and cannot be completed: " + settled.outcomeDetail);
        }
        String who = subject != null ? subject : BY_CI.equals(reportedBy) ? "CI" : "a person";
        complete(rollback, note == null || note.isBlank() ? "completed by " + who : "completed by " + who + ": " + note,
                reportedBy);
        return rollback;
    }

    /**
     * CI reports a rollback ({@code service.rolledback} on the CI topic). It completes the open rollback it names
     * (or the open one going back to the same version); else someone rolled back with their CD tool, and the state
     * follows: the reported version is current again.
     */
    @Transactional
    public void rolledBackByCi(CiRollbackEvent reported) {
        deployments.lockTarget(reported.service(), reported.environment());
        Optional<Rollback> open = (reported.rollbackId() != null
                ? Optional.ofNullable(rollbacks.findById(reported.rollbackId())).filter(Rollback::isOpen)
                : Optional.<Rollback>empty())
                .or(() -> rollbacks.openFor(reported.service(), reported.environment())
                        .filter(candidate -> reported.version().equals(candidate.toVersion)));
        if (open.isPresent()) {
            complete(open.get(), "reported done by CI (event " + reported.eventId() + ")", BY_CI);
            return;
        }
        Optional<Deployment> current = deployments.findCurrent(reported.service(), reported.environment());
        if (current.isPresent() && current.get().version.equals(reported.version())) {
            LOG.infof("CI reports %s/%s rolled back to %s, which is current already", reported.service(),
                    reported.environment(), reported.version());
            return;
        }
        if (current.isEmpty()) {
            deploymentService.record(new ReportedDeployment(reported.service(), reported.environment(),
                    reported.version(), reported.artifactId(), null, null, null, reported.chainId(),
                    reported.eventId(), null, reported.image(), reported.time()));
            return;
        }
        Deployment restored = deployments.history(reported.service(), reported.environment()).stream()
                .filter(candidate -> candidate.version.equals(reported.version()) && !candidate.late)
                .findFirst()
                .orElseGet(() -> deploymentService.persistRestoredUnknown(reported));
        OffsetDateTime now = DeploymentService.now();
        Rollback rollback = new Rollback();
        rollback.id = "ci-" + reported.eventId();
        rollback.deploymentId = current.get().id;
        rollback.service = reported.service();
        rollback.environment = reported.environment();
        rollback.fromVersion = current.get().version;
        rollback.toVersion = reported.version();
        rollback.reason = "rolled back outside Lifeguard (reported by CI)";
        rollback.requestedAt = now;
        // The rollback belongs to the story of the deployment it replaced (its incident), not to the CI run that reported it.
        rollback.chainId = current.get().chainId;
        rollback.requestEventId = reported.eventId();
        rollback.settle(Rollback.EXECUTED, "reported by CI (event " + reported.eventId() + ")", now);
        rollbacks.persist(rollback);
        audit.recordAutomatic("rollback.executed", key(rollback), Rollback.EXECUTED.toLowerCase(), "rollback "
                + rollback.id + " " + rollback.fromVersion + " -> " + rollback.toVersion
                + " done outside Lifeguard, reported by CI");
        deploymentService.applyRollback(rollback, current.get(), restored, BY_CI);
    }

    private void complete(Rollback rollback, String detail, String reportedBy) {
        audit.recordAutomatic("rollback.executed", key(rollback), Rollback.EXECUTED.toLowerCase(), "rollback "
                + rollback.id + " " + rollback.fromVersion + " -> " + rollback.toVersion + " (" + reportedBy + "): "
                + detail);
        if (rollback.rolloutAbort) {
            rollouts.abortDone(rollback, detail, reportedBy);
            return;
        }
        OffsetDateTime now = DeploymentService.now();
        Deployment failing = deployments.findById(rollback.deploymentId);
        Deployment restored = deployments.findById(rollback.restoredDeploymentId);
        if (failing == null || restored == null || !failing.current) {
            rollback.settle(Rollback.EXECUTED, detail + "; the state is unchanged: " + rollback.fromVersion
                    + " was no longer current by then", now);
            rollback.reportedBy = reportedBy;
            LOG.warnf("Rollback %s completed after %s stopped being current: state unchanged", rollback.id,
                    rollback.fromVersion);
            return;
        }
        rollback.settle(Rollback.EXECUTED, detail, now);
        deploymentService.applyRollback(rollback, failing, restored, reportedBy);
    }

    /** A rollback that will not be executed: its event and audit entry, in the transaction that settled it. */
    private void skipped(Rollback rollback) {
        outbox.enqueue(config.deploymentsTopic(), key(rollback), events.rollbackSkipped(rollback));
        audit.recordAutomatic("rollback.skipped", key(rollback), Rollback.SKIPPED.toLowerCase(), "rollback "
                + rollback.id + " of " + rollback.fromVersion + ": " + rollback.outcomeDetail);
    }

    /** The rollback locked with its target, if still open (and in {@code state}, when given); else null. */
    private Rollback lockedOpen(String rollbackId, String state) {
        Rollback unlocked = rollbacks.findById(rollbackId);
        if (unlocked == null) {
            return null;
        }
        deployments.lockTarget(unlocked.service, unlocked.environment);
        Rollback rollback = rollbacks.findByIdForUpdate(rollbackId);
        boolean open = state == null ? rollback.isOpen() : state.equals(rollback.outcome);
        if (!open) {
            LOG.infof("Rollback %s is %s already: result not applied", rollbackId, rollback.outcome);
            return null;
        }
        return rollback;
    }

    public static String completePath(String rollbackId) {
        return "/api/v1/rollbacks/" + rollbackId + "/complete";
    }

    private static String key(Rollback rollback) {
        return rollback.service + "/" + rollback.environment;
    }
}
