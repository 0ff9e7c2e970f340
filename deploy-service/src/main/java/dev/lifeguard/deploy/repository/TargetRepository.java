package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Target;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TargetRepository implements PanacheRepositoryBase<Target, Target.Key> {

    public Optional<Target> find(String service, String environment) {
        return findByIdOptional(new Target.Key(service, environment));
    }

    /** The target locked until the transaction ends: a concurrent change of the same target waits. */
    public Optional<Target> findForUpdate(String service, String environment) {
        return findByIdOptional(new Target.Key(service, environment), LockModeType.PESSIMISTIC_WRITE);
    }

    public List<Target> all() {
        return list("order by key.service, key.environment");
    }
}
