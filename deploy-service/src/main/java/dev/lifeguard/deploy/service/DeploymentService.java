package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;
import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.Rollout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.service.TargetService.Policy;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.event.AnalysisVerdictEvent;
import dev.lifeguard.deploy.event.DeploymentEvents;
import dev.lifeguard.deploy.repository.DeploymentRepository;
import dev.lifeguard.deploy.repository.RollbackRepository;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployment use cases: what runs where and how each deployment fared. Every change to a target first takes the
 * target's lock, so deploys, verdicts and rollbacks of one target serialise across instances; every state change
 * queues its event in the same transaction (outbox).
 */
@ApplicationScoped
public class DeploymentService {

    public static final String STATUS_DEPLOYED = "DEPLOYED";
    public static final String STATUS_ROLLED_BACK = "ROLLED_BACK";

    private static final Logger LOG = Logger.getLogger(DeploymentService.class);

    private final DeploymentRepository deployments;
    private final RollbackRepository rollbacks;
    private final DeploymentEvents events;
    private final Outbox outbox;
    private final DeployConfig config;
    private final Rollouts rollouts;
    private final RedeployGate gate;
    private final TargetService targets;
    private final ObjectMapper mapper;

    public DeploymentService(DeploymentRepository deployments, RollbackRepository rollbacks, DeploymentEvents events,
                             Outbox outbox, DeployConfig config, Rollouts rollouts, RedeployGate gate,
                             TargetService targets, ObjectMapper mapper) {
        this.deployments = deployments;
        this.rollbacks = rollbacks;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        this.rollouts = rollouts;
        this.gate = gate;
        this.targets = targets;
        this.mapper = mapper;
    }

    /**
     * Records a reported deployment at the time CI says it happened. Reporting the version that already runs is a
     * no-op that returns the current deployment. One older than the current deployment never replaces it: it is
     * kept in the history as late. A report with a request key seen before returns what that key created.
     *
     * @throws RequestKeyConflictException when the key was used for a different deployment
     */
    @Transactional
    public Deployment record(ReportedDeployment reported) {
        return record(reported, DeploymentOptions.NONE);
    }

    /**
     * As {@link #record(ReportedDeployment)}, with a strategy, tests and fixes. A new version of a target goes
     * through its redeploy gate when the target's last change was a rollback, and rolls out (canary, blue-green)
     * instead of becoming current at once when its strategy says so; while a rollout of the target is in progress a
     * new version is refused (REST) or recorded SUPERSEDED (CI).
     *
     * @throws RolloutRefusedException for a REST report that cannot be taken as asked
     */
    @Transactional
    public Deployment record(ReportedDeployment reported, DeploymentOptions options) {
        deployments.lockTarget(reported.service(), reported.environment());
        if (reported.requestKey() != null) {
            Optional<Deployment> earlier = deployments.findByRequestKey(reported.requestKey());
            if (earlier.isPresent()) {
                return sameDeployment(earlier.get(), reported);
            }
        }
        Optional<Deployment> current = deployments.findCurrent(reported.service(), reported.environment());
        if (current.isPresent() && current.get().version.equals(reported.version())) {
            return current.get();
        }
        // the version rolling out or gated, reported again (a retry, CI's second run): the same deployment
        Optional<Deployment> pending = rollouts.pending(reported.service(), reported.environment())
                .map(rollout -> deployments.findById(rollout.deploymentId))
                .filter(candidate -> candidate.version.equals(reported.version()));
        if (pending.isPresent()) {
            return pending.get();
        }
        OffsetDateTime now = now();
        OffsetDateTime deployedAt = eventTime(reported.deployedAt(), now);
        List<Deployment> history = deployments.history(reported.service(), reported.environment());
        Deployment deployment = newDeployment(reported, deployedAt, now);
        deployment.fixes = options.fixes().isEmpty() ? null : mapper.valueToTree(options.fixes()).toString();
        if (current.isPresent() && deployedAt.isBefore(current.get().deployedAt)) {
            deployment.late = true;
            deployment.changeStatus(DeploymentStatus.SUPERSEDED, now, "reported late: deployed at " + deployedAt
                    + ", before the current " + current.get().version + " (deployed at " + current.get().deployedAt + ")");
            deployments.persist(deployment);
            LOG.infof("Deployment %s: %s %s reported late (deployed %s, before the current %s): kept in the history",
                    deployment.id, deployment.key(), deployment.version, deployedAt, current.get().version);
            return deployment;
        }
        Optional<Rollout> running = rollouts.inProgress(reported.service(), reported.environment());
        if (running.isPresent()) {
            Deployment rollingOut = deployments.findById(running.get().deploymentId);
            String reason = "rollout of " + rollingOut.version + " in progress: promote or abort it first";
            if (options.rest()) {
                throw new RolloutRefusedException(409, "version", reason);
            }
            deployment.changeStatus(DeploymentStatus.SUPERSEDED, now, reason);
            // it never ran: history only, never a version to go back to
            deployment.late = true;
            deployments.persist(deployment);
            LOG.warnf("Deployment %s: %s %s reported by CI while the %s; kept in the history only", deployment.id,
                    deployment.key(), deployment.version, reason);
            return deployment;
        }
        Policy policy = targets.policyFor(reported.service(), reported.environment());
        Optional<Rollback> restoredBy = current.flatMap(stable -> rollbacks.lastExecutedRestoring(stable.id));
        ObjectNode strategy = strategy(deployment, options, policy, current, restoredBy.isPresent());
        deployment.strategy = strategy.toString();
        rollouts.supersedeGated(reported.service(), reported.environment(), reported.version());
        deployments.flush();

        if (restoredBy.isPresent() && policy.gateEnabled()) {
            deployments.persist(deployment);
            if (options.tests() != null) {
                rollouts.recordTests(deployment, options.tests().passed(), options.tests().failed(),
                        options.tests().suites());
                deployments.flush();
            }
            RedeployGate.Decision decision = gate.evaluate(deployment, policy.requiredSuites());
            if (!decision.open()) {
                rollouts.hold(deployment, strategy, current.get(), restoredBy.get(), policy.requiredSuites(),
                        decision.reason());
                return deployment;
            }
            LOG.infof("Deployment %s: %s %s after a rollback passes the gate: %s", deployment.id, deployment.key(),
                    deployment.version, decision.reason());
        }
        if (Strategies.progressive(strategy)) {
            deployments.persist(deployment);
            rollouts.start(deployment, strategy, current.get());
            return deployment;
        }

        current.ifPresent(previous -> replace(previous, "replaced by " + reported.version(), now));
        // The partial unique index allows one current row: make the change visible before inserting.
        deployments.flush();
        deployment.current = true;
        deployments.persist(deployment);

        String previousVersion = current.map(previous -> previous.version).orElse(null);
        Optional<StableVersions.Choice> stable = StableVersions.choose(history, deployment.version);
        outbox.enqueue(config.deploymentsTopic(), deployment.key(),
                events.deployed(deployment, history.isEmpty(), previousVersion, stable.orElse(null)));
        LOG.infof("Deployment %s: %s %s (previous %s, stable %s)", deployment.id, deployment.key(), deployment.version,
                previousVersion, stable.map(StableVersions.Choice::version).orElse(null));
        return deployment;
    }

    /**
     * The strategy: the one asked for, else the target's default, else its redeploy strategy after a rollback, else
     * all-at-once. Canary and blue-green need a current version to compare with and an executor that runs rollouts.
     */
    private ObjectNode strategy(Deployment deployment, DeploymentOptions options, Policy policy,
                                Optional<Deployment> current, boolean afterRollback) {
        ObjectNode strategy = options.strategy() != null ? options.strategy()
                : policy.strategy() != null ? policy.strategy()
                : afterRollback ? targets.redeployStrategy(policy)
                : Strategies.allAtOnce();
        if (!Strategies.progressive(strategy)) {
            return strategy;
        }
        String executor = targets.choiceFor(deployment.service, deployment.environment).executor();
        boolean runsRollouts = targets.executors().named(executor).map(RollbackExecutor::runsRollouts).orElse(false);
        if (!runsRollouts) {
            String note = "executor '" + executor + "' of " + deployment.key() + " cannot run rollouts: "
                    + Strategies.type(strategy) + " needs one that can (kubernetes, webhook, github-actions, argocd,"
                    + " record)";
            if (options.strategy() != null && options.rest()) {
                throw new RolloutRefusedException(422, "strategy", note);
            }
            deployment.strategyNote = note + "; deployed all-at-once";
            LOG.infof("Deployment %s: %s", deployment.id, deployment.strategyNote);
            return Strategies.allAtOnce();
        }
        if (current.isEmpty()) {
            deployment.strategyNote = "no current version of " + deployment.key() + " to compare a "
                    + Strategies.type(strategy) + " with: deployed all-at-once";
            LOG.infof("Deployment %s: %s", deployment.id, deployment.strategyNote);
            return Strategies.allAtOnce();
        }
        return strategy;
    }

    /**
     * An analysis ended. Passed makes the deployment STABLE, failed makes it FAILED (and flagged), inconclusive makes
     * it INCONCLUSIVE; a deployment that was replaced or rolled back meanwhile keeps that status, the verdict is
     * still kept. Analyses that ended because the deployment was replaced or rolled back say nothing about it.
     */
    @Transactional
    public void verdict(AnalysisVerdictEvent verdict) {
        Optional<Deployment> found = deployments.findByIdOptional(verdict.deploymentId());
        if (found.isEmpty()) {
            LOG.infof("Verdict %s for deployment %s, unknown here: ignored", verdict.eventId(), verdict.deploymentId());
            return;
        }
        deployments.lockTarget(found.get().service, found.get().environment);
        Deployment deployment = deployments.findById(verdict.deploymentId());
        if (verdict.endedByReplacement()) {
            return;
        }
        OffsetDateTime now = now();
        deployment.verdict = verdict.outcome();
        deployment.verdictReason = truncate(verdict.reason());
        if (AnalysisVerdictEvent.FAILED.equals(verdict.outcome())) {
            deployment.flagged = true;
        }
        if (!deployment.current || deployment.status == DeploymentStatus.RETIRED) {
            LOG.infof("Verdict %s for %s %s, which no longer runs: kept, status stays %s", verdict.outcome(),
                    deployment.key(), deployment.version, deployment.status);
            return;
        }
        DeploymentStatus status = switch (verdict.outcome()) {
            case AnalysisVerdictEvent.PASSED -> DeploymentStatus.STABLE;
            case AnalysisVerdictEvent.FAILED -> DeploymentStatus.FAILED;
            default -> DeploymentStatus.INCONCLUSIVE;
        };
        if (deployment.status == DeploymentStatus.FAILED && status != DeploymentStatus.FAILED) {
            return;
        }
        deployment.changeStatus(status, now, "analysis " + verdict.outcome() + ": " + verdict.reason());
        LOG.infof("Deployment %s: %s %s is %s (%s)", deployment.id, deployment.key(), deployment.version, status,
                verdict.reason());
    }

    /** An anomaly named the deployment: it can no longer bake into STABLE nor be a fallback rollback target. */
    @Transactional
    public void anomaly(String deploymentId, String anomalyId) {
        Optional<Deployment> found = deployments.findByIdOptional(deploymentId);
        if (found.isEmpty()) {
            return;
        }
        deployments.lockTarget(found.get().service, found.get().environment);
        Deployment deployment = deployments.findById(deploymentId);
        if (!deployment.flagged) {
            deployment.flagged = true;
            LOG.infof("Deployment %s: %s %s flagged by anomaly %s", deployment.id, deployment.key(), deployment.version,
                    anomalyId);
        }
    }

    @Transactional
    public List<String> baked(OffsetDateTime deployedBefore) {
        return deployments.analysingDeployedBefore(deployedBefore);
    }

    /** Without a verdict, a current deployment that baked long enough without an anomaly becomes STABLE. */
    @Transactional
    public void bake(String deploymentId, OffsetDateTime deployedBefore) {
        Deployment candidate = deployments.findById(deploymentId);
        deployments.lockTarget(candidate.service, candidate.environment);
        Deployment deployment = deployments.findById(deploymentId);
        if (deployment.current && deployment.status == DeploymentStatus.ANALYSING && deployment.verdict == null
                && !deployment.flagged && deployment.allTrafficSince().isBefore(deployedBefore)) {
            deployment.changeStatus(DeploymentStatus.STABLE, now(), "baked " + config.bakeTime().toMinutes()
                    + " min without an anomaly (no analysis verdict arrived)");
            LOG.infof("Deployment %s: %s %s baked into STABLE", deployment.id, deployment.key(), deployment.version);
        }
    }

    /**
     * Makes {@code restored} current again in place of {@code rolledBack} and publishes {@code service.rolledback}.
     * The restored version is analysed again (monitor-service opens a new analysis) and becomes STABLE when it
     * passes. Runs in the caller's transaction, with the target locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void applyRollback(Rollback rollback, Deployment rolledBack, Deployment restored, String reportedBy) {
        OffsetDateTime now = now();
        rolledBack.current = false;
        rolledBack.flagged = true;
        rolledBack.changeStatus(DeploymentStatus.ROLLED_BACK, now, rollback.reason);
        deployments.flush();
        restored.current = true;
        restored.changeStatus(DeploymentStatus.ANALYSING, now, "restored by rollback " + rollback.id
                + "; analysed again");
        rollback.restoredDeploymentId = restored.id;
        rollback.reportedBy = reportedBy;
        outbox.enqueue(config.deploymentsTopic(), restored.key(), events.rolledBack(rollback, restored,
                rollback.chainId != null ? rollback.chainId : rolledBack.chainId, rollback.requestEventId));
        LOG.infof("Rollback %s applied (%s): %s %s -> %s", rollback.id, reportedBy, restored.key(), rolledBack.version,
                restored.version);
    }

    /**
     * CI retired the service in an environment: nothing of it is current any more, and {@code service.removed} tells
     * the other services. Removing what is not deployed changes nothing.
     */
    @Transactional
    public Optional<Deployment> retire(String service, String environment, String ciEventId, String chainId) {
        deployments.lockTarget(service, environment);
        Optional<Deployment> current = deployments.findCurrent(service, environment);
        if (current.isEmpty()) {
            LOG.infof("%s/%s removed by CI event %s, but nothing of it is current: nothing to do", service, environment,
                    ciEventId);
            return Optional.empty();
        }
        Deployment retired = current.get();
        retired.current = false;
        if (retired.status == DeploymentStatus.ANALYSING || retired.status == DeploymentStatus.INCONCLUSIVE) {
            retired.changeStatus(DeploymentStatus.RETIRED, now(), "removed from " + environment + " (CI event "
                    + ciEventId + ")");
        } else {
            retired.statusReason = truncate(retired.statusReason + "; removed from " + environment);
        }
        outbox.enqueue(config.deploymentsTopic(), retired.key(), events.removed(retired, ciEventId,
                chainId != null ? chainId : retired.chainId));
        LOG.infof("%s retired: %s no longer runs (CI event %s)", retired.key(), retired.version, ciEventId);
        return current;
    }

    /**
     * A version CI rolled back to that Lifeguard never saw deployed (it predates Lifeguard, or its report was lost):
     * kept as a deployment of its own, replaced, so the rollback has something to restore. Caller's transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Deployment persistRestoredUnknown(dev.lifeguard.deploy.event.CiRollbackEvent reported) {
        OffsetDateTime now = now();
        Deployment deployment = newDeployment(new ReportedDeployment(reported.service(), reported.environment(),
                reported.version(), reported.artifactId(), null, null, null, reported.chainId(), reported.eventId(), null,
                reported.image(), null), now, now);
        deployment.changeStatus(DeploymentStatus.SUPERSEDED, now, "first seen when CI reported a rollback to it");
        deployments.persist(deployment);
        deployments.flush();
        return deployment;
    }

    @Transactional
    public Optional<EnvironmentState> environment(String service, String environment) {
        List<Deployment> history = deployments.history(service, environment);
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Deployment current = history.stream().filter(d -> d.current).findFirst().orElse(null);
        String excluded = current == null || current.status == DeploymentStatus.STABLE ? null : current.version;
        Optional<StableVersions.Choice> stable = StableVersions.choose(history, excluded);
        boolean lastChangeWasRollback = current != null && rollbacks.lastExecutedRestored(current.id);
        return Optional.of(new EnvironmentState(service, environment, current,
                stable.map(StableVersions.Choice::version).orElse(null),
                stable.map(StableVersions.Choice::verified).orElse(false),
                lastChangeWasRollback ? STATUS_ROLLED_BACK : STATUS_DEPLOYED, history));
    }

    @Transactional
    public Optional<Deployment> find(String id) {
        return deployments.findByIdOptional(id);
    }

    /** A deployment stops being current: one that had not become stable is SUPERSEDED, others keep their status. */
    static void replace(Deployment previous, String reason, OffsetDateTime now) {
        previous.current = false;
        if (previous.status == DeploymentStatus.ANALYSING || previous.status == DeploymentStatus.INCONCLUSIVE) {
            // A restored deployment replaced during its re-analysis keeps what its earlier analysis proved.
            boolean provedBefore = previous.status == DeploymentStatus.ANALYSING
                    && AnalysisVerdictEvent.PASSED.equals(previous.verdict);
            previous.changeStatus(provedBefore ? DeploymentStatus.STABLE : DeploymentStatus.SUPERSEDED, now, reason);
        } else {
            previous.statusReason = truncate(previous.statusReason == null ? reason : previous.statusReason + "; " + reason);
        }
    }

    private Deployment newDeployment(ReportedDeployment reported, OffsetDateTime deployedAt, OffsetDateTime now) {
        Deployment deployment = new Deployment();
        deployment.id = UUID.randomUUID().toString();
        deployment.eventId = UUID.randomUUID().toString();
        deployment.service = reported.service();
        deployment.environment = reported.environment();
        deployment.version = reported.version();
        deployment.artifactId = reported.artifactId();
        deployment.image = reported.image();
        deployment.team = reported.team();
        deployment.commit = reported.commit();
        deployment.changeUrl = reported.changeUrl();
        deployment.chainId = reported.chainId() != null ? reported.chainId() : UUID.randomUUID().toString();
        deployment.ciEventId = reported.ciEventId();
        deployment.requestKey = reported.requestKey();
        deployment.status = DeploymentStatus.ANALYSING;
        deployment.deployedAt = deployedAt;
        deployment.reportedAt = now;
        deployment.statusChangedAt = now;
        return deployment;
    }

    /** The time CI reported, unless it lies further in the future than clocks drift. */
    private OffsetDateTime eventTime(OffsetDateTime reported, OffsetDateTime now) {
        if (reported == null) {
            return now;
        }
        OffsetDateTime at = reported.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        if (at.isAfter(now.plus(config.futureEventTimeTolerance()))) {
            LOG.warnf("Event time %s is more than %s ahead of this clock: using the arrival time", at,
                    config.futureEventTimeTolerance());
            return now;
        }
        return at;
    }

    private static Deployment sameDeployment(Deployment earlier, ReportedDeployment reported) {
        if (!earlier.service.equals(reported.service()) || !earlier.environment.equals(reported.environment())
                || !earlier.version.equals(reported.version())) {
            throw new RequestKeyConflictException("Idempotency-Key '" + reported.requestKey() + "' was used for "
                    + earlier.key() + " " + earlier.version + ", not " + reported.service() + "/"
                    + reported.environment() + " " + reported.version());
        }
        return earlier;
    }

    static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
