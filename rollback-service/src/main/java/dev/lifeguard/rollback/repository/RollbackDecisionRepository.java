package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.Execution;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.TriggerKind;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RollbackDecisionRepository implements PanacheRepositoryBase<RollbackDecision, String> {

    /** The decisions that published a rollback request. */
    private static final List<Decision> REQUESTING = List.of(Decision.ROLL_BACK, Decision.APPROVED, Decision.MANUAL);

    public boolean existsForDeployment(String deploymentId) {
        return count("deploymentId", deploymentId) > 0;
    }

    /** Whether the deployment has a decision taken on one of {@code triggers}. */
    public boolean existsForDeployment(String deploymentId, List<TriggerKind> triggers) {
        return count("deploymentId = ?1 and triggerKind in ?2", deploymentId, triggers) > 0;
    }

    /** Requested rollbacks of the target that deploy-service has not reported as done, failed or skipped, newest first. */
    public List<RollbackDecision> openExecutions(String service, String environment) {
        return list("service = ?1 and environment = ?2 and decision in ?3 and (execution is null or execution = ?4)",
                Sort.descending("decidedAt"), service, environment, REQUESTING, Execution.ACCEPTED);
    }

    /** The storm guard's count: automatic rollbacks (not approved, not manual) decided in the environment since then. */
    public long countAutomaticRollbacksSince(String environment, OffsetDateTime since) {
        return count("environment = ?1 and decision = ?2 and decidedAt >= ?3", environment, Decision.ROLL_BACK, since);
    }

    /** Whether a decision in the environment was first decided by {@code rule} since then. */
    public boolean existsFirstDecidedBySince(String environment, String rule, OffsetDateTime since) {
        return count("environment = ?1 and initialRule = ?2 and decidedAt >= ?3", environment, rule, since) > 0;
    }

    /** The target's newest automatic rollback (ROLL_BACK, or APPROVED when a person let it happen). */
    public Optional<RollbackDecision> findLastAutomaticRollback(String service, String environment) {
        return find("service = ?1 and environment = ?2 and decision in ?3 order by coalesce(settledAt, decidedAt) desc",
                service, environment, List.of(Decision.ROLL_BACK, Decision.APPROVED)).firstResultOptional();
    }

    /** Decisions still waiting for approval at {@code now}, oldest deadline first. */
    public List<String> idsAwaitingApprovalPast(OffsetDateTime now, int limit) {
        return find("decision = ?1 and approvalDeadline <= ?2 order by approvalDeadline", Decision.AWAITING_APPROVAL, now)
                .page(0, limit).list().stream().map(decision -> decision.id).toList();
    }

    public Optional<RollbackDecision> findByIdempotencyKey(String idempotencyKey) {
        return find("idempotencyKey", idempotencyKey).firstResultOptional();
    }

    /**
     * The decision whose rollback of {@code deploymentId} is under way: requested, and not reported as failed or
     * skipped. At most one, since a target gets no second decision while one is under way.
     */
    public Optional<RollbackDecision> findUnderWay(String deploymentId) {
        return find("deploymentId = ?1 and decision in ?2 and (execution is null or execution = ?3)",
                Sort.descending("decidedAt"), deploymentId, REQUESTING,
                Execution.ACCEPTED).firstResultOptional();
    }

    /** The newest decision about a deployment of {@code version} of the target: Lifeguard or a person flagged it. */
    public Optional<RollbackDecision> findNewestAgainst(String service, String environment, String version) {
        return find("service = ?1 and environment = ?2 and fromVersion = ?3", Sort.descending("decidedAt"),
                service, environment, version).firstResultOptional();
    }

    /** Newest first; a null filter matches everything. */
    public List<RollbackDecision> newestFirst(String service, String environment, int limit) {
        return find("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("decidedAt", "id"), Parameters.with("service", service).and("environment", environment))
                .page(0, limit)
                .list();
    }
}
