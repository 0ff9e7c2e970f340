package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Rollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class RollbackRepository implements PanacheRepositoryBase<Rollback, String> {
}
