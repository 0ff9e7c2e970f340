package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Rollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class RollbackRepository implements PanacheRepositoryBase<Rollback, String> {

    /** Newest first; a null filter matches everything. */
    public List<Rollback> newestFirst(String service, String environment, int limit) {
        return find("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("requestedAt", "id"), Parameters.with("service", service).and("environment", environment))
                .page(0, limit)
                .list();
    }
}
