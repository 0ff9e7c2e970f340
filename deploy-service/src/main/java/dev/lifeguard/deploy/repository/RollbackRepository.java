package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Rollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class RollbackRepository implements PanacheRepositoryBase<Rollback, String> {

    public List<Rollback> forTarget(String service, String environment) {
        return list("service = ?1 and environment = ?2 order by requestedAt desc", service, environment);
    }
}
