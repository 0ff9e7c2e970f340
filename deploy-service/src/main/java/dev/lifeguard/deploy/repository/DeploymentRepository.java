package dev.lifeguard.deploy.repository;

import dev.lifeguard.deploy.Deployment;
import dev.lifeguard.deploy.DeploymentStatus;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<Deployment, String> {

    /** The running deployment, locked so concurrent deploys and rollbacks of one target serialise. */
    public Optional<Deployment> findRunningForUpdate(String service, String environment) {
        return find("service = ?1 and environment = ?2 and status = ?3", service, environment, DeploymentStatus.RUNNING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional();
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
