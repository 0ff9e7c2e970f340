package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.RollbackDecision;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class RollbackDecisionRepository implements PanacheRepositoryBase<RollbackDecision, String> {

    public boolean existsForDeployment(String deploymentId) {
        return count("deploymentId", deploymentId) > 0;
    }

    /** Newest first; a null filter matches everything. */
    public List<RollbackDecision> newestFirst(String service, String environment, int limit) {
        return find("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("decidedAt", "id"), Parameters.with("service", service).and("environment", environment))
                .page(0, limit)
                .list();
    }
}
