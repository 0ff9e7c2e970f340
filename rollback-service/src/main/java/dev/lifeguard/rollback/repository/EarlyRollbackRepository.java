package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.EarlyRollback;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class EarlyRollbackRepository implements PanacheRepositoryBase<EarlyRollback, String> {
}
