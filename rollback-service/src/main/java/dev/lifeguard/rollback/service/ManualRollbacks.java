package dev.lifeguard.rollback.service;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.EffectivePolicy;
import dev.lifeguard.rollback.TriggerKind;
import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.PendingAnomaly;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.rollback.repository.PendingAnomalyRepository;
import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import dev.lifeguard.rollback.repository.TargetLock;
import dev.lifeguard.rollback.repository.TrackedDeploymentRepository;
import dev.lifeguard.rollback.service.ManualRollbackRefusedException.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Rollbacks a person (or CI) asks for: a {@code MANUAL} decision about the deployment that runs, published like an
 * automatic one, so deploy-service executes it the same way. Taken under the same target lock as the other use
 * cases; a target whose rollback is under way, or whose state rollback-service has not caught up with, gets none.
 */
@ApplicationScoped
public class ManualRollbacks {

    private static final Logger LOG = Logger.getLogger(ManualRollbacks.class);
    private static final int MAX_REASON_LENGTH = 2000;
    /** How many earlier versions a refusal suggests. */
    private static final int SUGGESTED_VERSIONS = 5;

    private final TrackedDeploymentRepository deployments;
    private final PendingAnomalyRepository pendingAnomalies;
    private final RollbackDecisionRepository decisions;
    private final TargetLock locks;
    private final DecisionEvents decisionEvents;
    private final DecisionPolicies policies;
    private final RollbackConfig config;

    public ManualRollbacks(TrackedDeploymentRepository deployments, PendingAnomalyRepository pendingAnomalies,
                           RollbackDecisionRepository decisions, TargetLock locks, DecisionEvents decisionEvents,
                           DecisionPolicies policies, RollbackConfig config) {
        this.deployments = deployments;
        this.pendingAnomalies = pendingAnomalies;
        this.decisions = decisions;
        this.locks = locks;
        this.decisionEvents = decisionEvents;
        this.policies = policies;
        this.config = config;
    }

    /** The decision, and whether it is the one an earlier request with the same {@code Idempotency-Key} made. */
    public record Outcome(RollbackDecision decision, boolean replayed) {
    }

    /**
     * Decides a manual rollback of the target's running deployment and queues its request (outbox).
     *
     * @throws ManualRollbackRefusedException when it cannot be decided, saying why
     */
    @Transactional
    public Outcome request(ManualRollbackRequest request) {
        String fingerprint = fingerprint(request);
        if (request.idempotencyKey() != null) {
            locks.lockIdempotencyKey(request.idempotencyKey());
            Optional<RollbackDecision> earlier = decisions.findByIdempotencyKey(request.idempotencyKey());
            if (earlier.isPresent()) {
                if (!fingerprint.equals(earlier.get().requestFingerprint)) {
                    throw new ManualRollbackRefusedException(Refusal.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key",
                            "Idempotency-Key '" + request.idempotencyKey() + "' was used for another request (decision "
                                    + earlier.get().id + " of " + earlier.get().key() + ")");
                }
                return new Outcome(earlier.get(), true);
            }
        }
        locks.lock(request.service(), request.environment());
        TrackedDeployment running = runningDeployment(request.service(), request.environment());
        String toVersion = request.toVersion() != null
                ? checkedTargetVersion(running, request.toVersion())
                : stableVersion(running);

        RollbackDecision decision = new RollbackDecision();
        decision.id = UUID.randomUUID().toString();
        decision.service = running.service;
        decision.environment = running.environment;
        decision.deploymentId = running.deploymentId;
        decision.fromVersion = running.version;
        decision.toVersion = toVersion;
        decision.decision = Decision.MANUAL;
        decision.reason = reason(request);
        decision.chainId = running.chainId != null ? running.chainId : decision.id;
        decision.decidedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        decision.requestedBy = request.requestedBy();
        decision.idempotencyKey = request.idempotencyKey();
        decision.requestFingerprint = fingerprint;
        decision.triggerKind = TriggerKind.MANUAL;
        decision.rule = "manual";
        decision.initialRule = "manual";
        // policies do not block a person: the effective one is recorded for information
        EffectivePolicy effective = policies.effective(decision.service, decision.environment);
        decision.policyVersion = effective.describeSources();
        decision.escalationTeam = effective.escalationTeam();
        decision.explanation = DecisionRules.manual(decision.reason, effective, request.requestedBy(), running.status,
                running.stableVersion).toString();
        decisions.persist(decision);
        decisionEvents.requested(decision, null);
        decisionEvents.decided(decision, null, null);
        LOG.infof("Decision %s for %s deployment %s: MANUAL %s -> %s (%s)", decision.id, decision.key(),
                decision.deploymentId, decision.fromVersion, decision.toVersion, decision.reason);
        return new Outcome(decision, false);
    }

    /** What runs, as far as rollback-service knows, provided nothing keeps it from deciding about it now. */
    private TrackedDeployment runningDeployment(String service, String environment) {
        String target = service + " in " + environment;
        if (!deployments.existsForTarget(service, environment)) {
            throw new ManualRollbackRefusedException(Refusal.UNKNOWN_TARGET, null,
                    "rollback-service knows no deployment of " + target);
        }
        Optional<PendingAnomaly> pending = pendingAnomalies.findForTarget(service, environment);
        if (pending.isPresent()) {
            throw new ManualRollbackRefusedException(Refusal.CONFLICT, null, "an anomaly of deployment "
                    + pending.get().deploymentId + " of " + target + " waits for that deployment's event: what runs"
                    + " is not known for sure until it is decided (within "
                    + config.pendingAnomalyTimeout().toMinutes() + " min); try again then");
        }
        TrackedDeployment running = deployments.findRunning(service, environment).orElseThrow(() ->
                new ManualRollbackRefusedException(Refusal.CONFLICT, null, "nothing runs for " + target
                        + " as far as rollback-service knows" + deployments.findNewest(service, environment)
                        .filter(newest -> newest.status == DeploymentStatus.ROLLED_BACK)
                        .map(newest -> " (deployment " + newest.deploymentId + " of " + newest.version
                                + " was rolled back" + (newest.rolledBackTo != null ? " to " + newest.rolledBackTo : "")
                                + ", whose deployment event has not been seen)")
                        .orElse("")));
        Optional<RollbackDecision> underWay = decisions.findUnderWay(running.deploymentId);
        if (underWay.isPresent()) {
            RollbackDecision decision = underWay.get();
            throw new ManualRollbackRefusedException(Refusal.CONFLICT, null, "a rollback of " + target + " is under way:"
                    + " decision " + decision.id + " (" + decision.decision + ", " + decision.fromVersion + " -> "
                    + decision.toVersion + (decision.execution != null ? ", " + decision.execution : "")
                    + "); wait until deploy-service reports its outcome");
        }
        return running;
    }

    /** {@code toVersion} as asked for: an earlier version of the target that is not known to be bad. */
    private String checkedTargetVersion(TrackedDeployment running, String toVersion) {
        if (toVersion.equals(running.version)) {
            throw invalidTarget("toVersion " + toVersion + " is the version that runs now", running);
        }
        String flagged = whyNotATarget(running, toVersion);
        if (flagged != null) {
            throw invalidTarget(flagged, running);
        }
        List<TrackedDeployment> ofVersion = deployments.findByVersion(running.service, running.environment, toVersion);
        boolean earlier = ofVersion.stream().anyMatch(deployment -> deployment.deployedAt.isBefore(running.deployedAt));
        if (earlier || (ofVersion.isEmpty() && toVersion.equals(running.stableVersion))) {
            // deploy-service named the stable version when the running one started, even if rollback-service
            // has not seen its deployment
            return toVersion;
        }
        throw invalidTarget(ofVersion.isEmpty()
                ? "toVersion " + toVersion + " has never been deployed to " + running.service + " in " + running.environment
                + " as far as rollback-service knows"
                : "toVersion " + toVersion + " was deployed after the version that runs (" + running.version
                + "): a rollback goes back to an earlier version", running);
    }

    /** The stable version deploy-service named for the running deployment, unless rollback-service knows it is bad. */
    private String stableVersion(TrackedDeployment running) {
        if (running.stableVersion == null || running.stableVersion.equals(running.version)) {
            throw new ManualRollbackRefusedException(Refusal.CONFLICT, "toVersion", "no stable version is known for "
                    + running.service + " in " + running.environment + " (running " + running.version
                    + "): name the version to go back to with toVersion" + suggestions(running));
        }
        String flagged = whyNotATarget(running, running.stableVersion);
        if (flagged != null) {
            throw new ManualRollbackRefusedException(Refusal.CONFLICT, "toVersion", "the stable version is no target: "
                    + flagged + "; name the version to go back to with toVersion" + suggestions(running));
        }
        return running.stableVersion;
    }

    /** Why {@code version} must not be gone back to: one of its deployments was rolled back or decided against. */
    private String whyNotATarget(TrackedDeployment running, String version) {
        Optional<TrackedDeployment> rolledBack = deployments.findByVersion(running.service, running.environment, version)
                .stream().filter(deployment -> deployment.status == DeploymentStatus.ROLLED_BACK).findFirst();
        if (rolledBack.isPresent()) {
            return "version " + version + " was rolled back (deployment " + rolledBack.get().deploymentId + ")";
        }
        return decisions.findNewestAgainst(running.service, running.environment, version)
                .map(decision -> "version " + version + " was " + (decision.decision == Decision.MANUAL
                        ? "rolled back by hand" : "flagged by an anomaly") + " (decision " + decision.id + ")")
                .orElse(null);
    }

    private ManualRollbackRefusedException invalidTarget(String message, TrackedDeployment running) {
        return new ManualRollbackRefusedException(Refusal.INVALID_FIELD, "toVersion", message + suggestions(running));
    }

    /** The earlier versions that would do, newest first, as a hint; empty when there are none. */
    private String suggestions(TrackedDeployment running) {
        List<String> versions = deployments.deployedBefore(running.service, running.environment, running.deployedAt, 50)
                .stream()
                .map(deployment -> deployment.version)
                .filter(version -> !version.equals(running.version))
                .distinct()
                .filter(version -> whyNotATarget(running, version) == null)
                .limit(SUGGESTED_VERSIONS)
                .toList();
        return versions.isEmpty() ? "" : " (earlier versions that can be gone back to: " + String.join(", ", versions) + ")";
    }

    /** Marked as manual, with who asked, so chat messages and post-mortems tell it from an automatic rollback. */
    private static String reason(ManualRollbackRequest request) {
        String reason = (request.requestedBy() != null ? "manual (requested by " + request.requestedBy() + "): "
                : "manual: ") + request.reason();
        return reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH - 3) + "..." : reason;
    }

    private static String fingerprint(ManualRollbackRequest request) {
        String fields = Stream.of(request.service(), request.environment(), request.reason(), request.toVersion(),
                        request.requestedBy())
                .map(value -> Objects.toString(value, ""))
                .collect(Collectors.joining("\u0000"));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(fields.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
