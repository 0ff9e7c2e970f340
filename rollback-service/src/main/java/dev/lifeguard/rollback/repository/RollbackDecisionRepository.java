package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.RollbackDecision;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class RollbackDecisionRepository implements PanacheRepositoryBase<RollbackDecision, String> {

    public boolean existsForDeployment(String deploymentId) {
        return count("deploymentId", deploymentId) > 0;
    }

    /** Newest first; a null filter matches everything. */
    public List<RollbackDecision> newestFirst(String service, String environment, int limit) {
        List<String> conditions = new ArrayList<>();
        Parameters parameters = new Parameters();
        if (service != null) {
            conditions.add("service = :service");
            parameters.and("service", service);
        }
        if (environment != null) {
            conditions.add("environment = :environment");
            parameters.and("environment", environment);
        }
        String where = conditions.isEmpty() ? "" : "where " + String.join(" and ", conditions) + " ";
        return find("from RollbackDecision " + where + "order by decidedAt desc, id desc", parameters)
                .page(0, limit)
                .list();
    }
}
