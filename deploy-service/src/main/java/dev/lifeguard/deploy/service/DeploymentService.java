package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;
import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.event.DeploymentEvents;
import dev.lifeguard.deploy.event.RollbackRequestedEvent;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.repository.DeploymentRepository;
import dev.lifeguard.deploy.repository.RollbackRepository;
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

/** Deployment use cases. Every state change queues its event in the same transaction (outbox). */
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
    private final RollbackExecutor executor;

    public DeploymentService(DeploymentRepository deployments, RollbackRepository rollbacks, DeploymentEvents events,
                             Outbox outbox, DeployConfig config, @Any Instance<RollbackExecutor> executors) {
        this.deployments = deployments;
        this.rollbacks = rollbacks;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        Instance<RollbackExecutor> selected = executors.select(Identifier.Literal.of(config.rollbackExecutor()));
        if (!selected.isResolvable()) {
            throw new IllegalStateException("No RollbackExecutor named '" + config.rollbackExecutor()
                    + "' (lifeguard.deploy.rollback-executor)");
        }
        this.executor = selected.get();
    }

    /**
     * Records a reported deployment. Reporting the version that already runs is a no-op that returns the
     * running deployment. A report with a request key seen before returns what that key created, whatever runs
     * now: a retried request whose first attempt is applied late cannot undo a newer deployment.
     *
     * @throws RequestKeyConflictException when the key was used for a different deployment
     */
    @Transactional
    public Deployment record(ReportedDeployment reported) {
        deployments.lockTarget(reported.service(), reported.environment());
        if (reported.requestKey() != null) {
            Optional<Deployment> earlier = deployments.findByRequestKey(reported.requestKey());
            if (earlier.isPresent()) {
                return sameDeployment(earlier.get(), reported);
            }
        }
        Optional<Deployment> running = deployments.findRunningForUpdate(reported.service(), reported.environment());
        if (running.isPresent() && running.get().version.equals(reported.version())) {
            return running.get();
        }
        OffsetDateTime now = now();
        List<Deployment> earlier = deployments.history(reported.service(), reported.environment());
        running.ifPresent(previous -> {
            previous.status = DeploymentStatus.SUPERSEDED;
            previous.statusChangedAt = now;
            previous.statusReason = "superseded by " + reported.version();
            // The partial unique index allows one RUNNING row: make the change visible before inserting.
            deployments.flush();
        });
        Deployment deployment = new Deployment();
        deployment.id = UUID.randomUUID().toString();
        deployment.eventId = UUID.randomUUID().toString();
        deployment.service = reported.service();
        deployment.environment = reported.environment();
        deployment.version = reported.version();
        deployment.artifactId = reported.artifactId();
        deployment.team = reported.team();
        deployment.commit = reported.commit();
        deployment.changeUrl = reported.changeUrl();
        deployment.chainId = reported.chainId() != null ? reported.chainId() : UUID.randomUUID().toString();
        deployment.ciEventId = reported.ciEventId();
        deployment.requestKey = reported.requestKey();
        deployment.status = DeploymentStatus.RUNNING;
        deployment.deployedAt = now;
        deployment.statusChangedAt = now;
        deployments.persist(deployment);

        String previousVersion = running.map(previous -> previous.version).orElse(null);
        String stableVersion = stableVersionBefore(deployment, earlier);
        outbox.enqueue(config.deploymentsTopic(), deployment.key(),
                events.deployed(deployment, earlier.isEmpty(), previousVersion, stableVersion));
        LOG.infof("Deployment %s: %s %s (previous %s, stable %s)", deployment.id, deployment.key(), deployment.version,
                previousVersion, stableVersion);
        return deployment;
    }

    /**
     * Executes a rollback request once. A request for a deployment that no longer runs, or without a
     * usable target, is recorded as SKIPPED and changes nothing.
     */
    @Transactional
    public Rollback rollBack(RollbackRequestedEvent request) {
        Rollback existing = rollbacks.findById(request.rollbackId());
        if (existing != null) {
            return existing;
        }
        Rollback rollback = new Rollback();
        rollback.id = request.rollbackId();
        rollback.deploymentId = request.deploymentId();
        rollback.service = request.service();
        rollback.environment = request.environment();
        rollback.fromVersion = request.fromVersion();
        rollback.toVersion = request.toVersion();
        rollback.reason = request.reason();
        rollback.requestedAt = now();

        Optional<Deployment> running = deployments.findRunningForUpdate(request.service(), request.environment());
        Optional<Deployment> target = deployments.history(request.service(), request.environment()).stream()
                .filter(candidate -> candidate.version.equals(request.toVersion()))
                .filter(candidate -> candidate.status.isRollbackTarget())
                .findFirst();
        String skipReason = deployments.findByIdOptional(request.deploymentId()).isEmpty()
                ? "deployment " + request.deploymentId() + " is unknown here"
                : running.isEmpty() || !running.get().id.equals(request.deploymentId())
                ? "deployment " + request.deploymentId() + " is no longer running"
                : target.isEmpty() ? "no earlier healthy deployment of version " + request.toVersion() : null;
        if (skipReason != null) {
            rollback.outcome = "SKIPPED";
            rollback.outcomeDetail = skipReason;
            rollbacks.persist(rollback);
            LOG.warnf("Rollback %s skipped: %s", rollback.id, skipReason);
            return rollback;
        }

        Deployment rolledBack = running.get();
        Deployment restored = target.get();
        rollback.executor = config.rollbackExecutor();
        rollback.outcomeDetail = executor.execute(new RollbackExecutor.RollbackPlan(rollback.id, rollback.service,
                rollback.environment, rolledBack.version, restored.version, restored.artifactId, null, rollback.reason,
                request.chainId()), new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()).detail();
        rollback.outcome = "EXECUTED";
        OffsetDateTime now = now();
        rolledBack.status = DeploymentStatus.ROLLED_BACK;
        rolledBack.statusChangedAt = now;
        rolledBack.statusReason = rollback.reason;
        deployments.flush();
        restored.status = DeploymentStatus.RUNNING;
        restored.statusChangedAt = now;
        restored.statusReason = "restored by rollback " + rollback.id;
        rollbacks.persist(rollback);
        outbox.enqueue(config.deploymentsTopic(), restored.key(),
                events.rolledBack(rollback, restored, request.chainId() != null ? request.chainId() : rolledBack.chainId,
                        request.eventId()));
        LOG.infof("Rollback %s executed: %s %s -> %s", rollback.id, restored.key(), rolledBack.version, restored.version);
        return rollback;
    }

    @Transactional
    public Optional<EnvironmentState> environment(String service, String environment) {
        List<Deployment> history = deployments.history(service, environment);
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Deployment current = history.stream().filter(d -> d.status == DeploymentStatus.RUNNING).findFirst().orElse(null);
        String stable = current == null ? null : stableVersionBefore(current, history);
        boolean lastChangeWasRollback = current != null && current.restoredByRollback();
        return Optional.of(new EnvironmentState(service, environment, current, stable,
                lastChangeWasRollback ? STATUS_ROLLED_BACK : STATUS_DEPLOYED, history));
    }

    @Transactional
    public List<Rollback> rollbacks(String service, String environment, int limit) {
        return rollbacks.newestFirst(service, environment, limit);
    }

    @Transactional
    public Optional<Deployment> find(String id) {
        return deployments.findByIdOptional(id);
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

    /** The newest version deployed before {@code current} that was neither rolled back nor failed. */
    static String stableVersionBefore(Deployment current, List<Deployment> newestFirst) {
        return newestFirst.stream()
                .filter(candidate -> !candidate.id.equals(current.id))
                .filter(candidate -> candidate.deployedAt.isBefore(current.deployedAt)
                        || candidate.deployedAt.isEqual(current.deployedAt) && candidate.id.compareTo(current.id) < 0)
                .filter(candidate -> candidate.status.isRollbackTarget())
                .filter(candidate -> !candidate.version.equals(current.version))
                .map(candidate -> candidate.version)
                .findFirst()
                .orElse(null);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
