package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Rollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RollbackRepository implements PanacheRepositoryBase<Rollback, String> {

    /** Newest first; a null filter matches everything. */
    public List<Rollback> newestFirst(String service, String environment, int limit) {
        return find("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("requestedAt", "id"), Parameters.with("service", service).and("environment", environment))
                .page(0, limit)
                .list();
    }

    /** The rollback, re-read and row-locked. */
    public Rollback findByIdForUpdate(String id) {
        Rollback rollback = findById(id);
        if (rollback != null) {
            getEntityManager().refresh(rollback, LockModeType.PESSIMISTIC_WRITE);
        }
        return rollback;
    }

    /** A rollback of the target still waiting for its executor or its completion. */
    public Optional<Rollback> openFor(String service, String environment) {
        return find("service = ?1 and environment = ?2 and outcome in ?3 order by requestedAt desc", service,
                environment, Rollback.OPEN).firstResultOptional();
    }

    /** Whether the deployment is current because a rollback restored it (and nothing replaced it since). */
    public boolean lastExecutedRestored(String deploymentId) {
        return count("restoredDeploymentId = ?1 and outcome = ?2", deploymentId, Rollback.EXECUTED) > 0;
    }

    /** The last executed rollback that made the deployment current again (a rollback, or a rollout's abort). */
    public Optional<Rollback> lastExecutedRestoring(String deploymentId) {
        return find("restoredDeploymentId = ?1 and outcome = ?2 order by finishedAt desc", deploymentId,
                Rollback.EXECUTED).firstResultOptional();
    }

    /**
     * The next EXECUTING rollback due for a call and not held by a live claim, row-locked; rows other instances
     * hold are skipped, so instances never wait on each other.
     */
    public Optional<Rollback> lockNextDue(OffsetDateTime now) {
        Optional<String> id = DueRows.lockNext(getEntityManager(), "rollback", "id", "outcome", Rollback.EXECUTING, now);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Rollback row = findById(id.get());
        getEntityManager().refresh(row);
        return Optional.of(row);
    }
}
