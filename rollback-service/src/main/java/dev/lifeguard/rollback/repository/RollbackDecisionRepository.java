package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.Execution;
import dev.lifeguard.rollback.RollbackDecision;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RollbackDecisionRepository implements PanacheRepositoryBase<RollbackDecision, String> {

    public boolean existsForDeployment(String deploymentId) {
        return count("deploymentId", deploymentId) > 0;
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
                Sort.descending("decidedAt"), deploymentId, List.of(Decision.ROLL_BACK, Decision.MANUAL),
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
