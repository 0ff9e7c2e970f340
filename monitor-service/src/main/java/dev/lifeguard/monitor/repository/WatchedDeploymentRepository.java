package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.WatchStatus;
import dev.lifeguard.monitor.WatchedDeployment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class WatchedDeploymentRepository implements PanacheRepositoryBase<WatchedDeployment, String> {

    /**
     * Serialises, until the transaction ends, everything that changes one service/environment's verification:
     * sample intake, deployment events and rule evaluation. So whoever evaluates last has seen every committed
     * sample and deployment, and a deployment's one anomaly cannot be raised twice. (A hash collision between
     * two targets only makes them wait for each other.)
     */
    public void lockTarget(String service, String environment) {
        getEntityManager()
                .createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(:target))) AS locked")
                .setParameter("target", service + "/" + environment)
                .getSingleResult();
    }

    /** The newest deployment of the target: the one under verification, if its status says so. */
    public Optional<WatchedDeployment> findLatest(String service, String environment) {
        return find("service = ?1 and environment = ?2 order by windowStart desc, id desc", service, environment)
                .firstResultOptional();
    }

    /** Ends the verification of every deployment of the target older than {@code newest}. */
    public void supersedeAllBut(WatchedDeployment newest) {
        update("status = ?1 where service = ?2 and environment = ?3 and status = ?4 and id <> ?5",
                WatchStatus.SUPERSEDED, newest.service, newest.environment, WatchStatus.WATCHING, newest.id);
    }
}
