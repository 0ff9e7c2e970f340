package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Rollout;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class RolloutRepository implements PanacheRepositoryBase<Rollout, String> {

    /** The target's rollout that still needs a decision (at most one: a new deployment waits for it). */
    public Optional<Rollout> inProgress(String service, String environment) {
        return find("service = ?1 and environment = ?2 and phase in ?3", service, environment, Rollout.IN_PROGRESS)
                .firstResultOptional();
    }

    public List<Rollout> gated(String service, String environment) {
        return list("service = ?1 and environment = ?2 and phase = ?3", service, environment, Rollout.GATED);
    }

    public List<Rollout> allGated() {
        return list("phase", Rollout.GATED);
    }

    /** Ids of pause steps whose verdict is overdue. */
    public List<String> overdue(OffsetDateTime now) {
        return getEntityManager().createQuery("select r.deploymentId from Rollout r where r.phase = :phase"
                        + " and r.stepDeadline < :now", String.class)
                .setParameter("phase", Rollout.ANALYSING)
                .setParameter("now", now)
                .setMaxResults(100)
                .getResultList();
    }

    /**
     * The next rollout with an executor call due and not held by a live claim, row-locked; rows other instances hold
     * are skipped, so instances never wait on each other.
     */
    public Optional<Rollout> lockNextDue(OffsetDateTime now) {
        Optional<String> id = DueRows.lockNext(getEntityManager(), "rollout", "deployment_id", "phase", Rollout.STEPPING, now);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Rollout row = findById(id.get());
        getEntityManager().refresh(row);
        return Optional.of(row);
    }
}
