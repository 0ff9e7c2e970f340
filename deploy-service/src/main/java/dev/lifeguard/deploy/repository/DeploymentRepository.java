package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<Deployment, String> {

    /** What runs now; callers hold the target's lock ({@link #lockTarget}) when they change it. */
    public Optional<Deployment> findCurrent(String service, String environment) {
        return find("service = ?1 and environment = ?2 and current = true", service, environment).firstResultOptional();
    }

    /** Ids of current deployments still ANALYSING, without a verdict, deployed before {@code cutoff}. */
    public List<String> analysingDeployedBefore(OffsetDateTime cutoff) {
        return getEntityManager().createQuery("select d.id from Deployment d where d.current = true and d.status = :status"
                        + " and d.verdict is null and d.flagged = false"
                        + " and coalesce(d.promotedAt, d.deployedAt) < :cutoff", String.class)
                .setParameter("status", DeploymentStatus.ANALYSING)
                .setParameter("cutoff", cutoff)
                .setMaxResults(500)
                .getResultList();
    }

    /**
     * Serialises every change to one service/environment across instances, also before it has a running
     * deployment to lock. Released when the transaction ends.
     */
    public void lockTarget(String service, String environment) {
        getEntityManager().createNativeQuery("SELECT true FROM pg_advisory_xact_lock(hashtextextended(:target, 0))")
                .setParameter("target", service + "/" + environment)
                .getSingleResult();
    }

    public Optional<Deployment> findByRequestKey(String requestKey) {
        return find("requestKey", requestKey).firstResultOptional();
    }

    /** Newest first. */
    public List<Deployment> history(String service, String environment) {
        return list("service = ?1 and environment = ?2 order by deployedAt desc, id desc", service, environment);
    }
}
