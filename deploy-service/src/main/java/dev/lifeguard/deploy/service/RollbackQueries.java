package dev.lifeguard.deploy.service;

import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.repository.RollbackRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/** Read side of rollbacks for the REST API. */
@ApplicationScoped
public class RollbackQueries {

    private final RollbackRepository rollbacks;

    public RollbackQueries(RollbackRepository rollbacks) {
        this.rollbacks = rollbacks;
    }

    @Transactional
    public List<Rollback> newestFirst(String service, String environment, int limit) {
        return rollbacks.newestFirst(service, environment, limit);
    }

    @Transactional
    public Optional<Rollback> find(String id) {
        return rollbacks.findByIdOptional(id);
    }
}
