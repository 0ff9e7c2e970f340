package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Target;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TargetRepository implements PanacheRepositoryBase<Target, Target.Key> {

    public Optional<Target> find(String service, String environment) {
        return findByIdOptional(new Target.Key(service, environment));
    }

    public List<Target> all() {
        return list("order by key.service, key.environment");
    }
}
