package dev.lifeguard.rollback.repository;

import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.TrackedDeployment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class TrackedDeploymentRepository implements PanacheRepositoryBase<TrackedDeployment, String> {

    public Optional<TrackedDeployment> findRunning(String service, String environment) {
        return find("service = ?1 and environment = ?2 and status = ?3", service, environment, DeploymentStatus.RUNNING)
                .firstResultOptional();
    }

    /** Whether the target has a deployment that started after {@code deployedAt}: the time of its event, not of its arrival. */
    public boolean existsDeployedAfter(String service, String environment, OffsetDateTime deployedAt) {
        return count("service = ?1 and environment = ?2 and deployedAt > ?3", service, environment, deployedAt) > 0;
    }

    /** The deployment of the target that started last, whatever became of it. */
    public Optional<TrackedDeployment> findNewest(String service, String environment) {
        return find("service = ?1 and environment = ?2 order by deployedAt desc", service, environment)
                .firstResultOptional();
    }

    public boolean existsForTarget(String service, String environment) {
        return count("service = ?1 and environment = ?2", service, environment) > 0;
    }

    /** Every deployment of {@code version} of the target, newest first. */
    public List<TrackedDeployment> findByVersion(String service, String environment, String version) {
        return list("service = ?1 and environment = ?2 and version = ?3 order by deployedAt desc",
                service, environment, version);
    }

    /** Deployments of the target that started before {@code deployedAt}, newest first. */
    public List<TrackedDeployment> deployedBefore(String service, String environment, OffsetDateTime deployedAt,
                                                  int limit) {
        return find("service = ?1 and environment = ?2 and deployedAt < ?3 order by deployedAt desc",
                service, environment, deployedAt).page(0, limit).list();
    }

    /** The newest deployment of {@code version} that was not rolled back: what a rollback to that version restores. */
    public Optional<TrackedDeployment> findRestorable(String service, String environment, String version) {
        return find("service = ?1 and environment = ?2 and version = ?3 and status = ?4 order by deployedAt desc",
                service, environment, version, DeploymentStatus.SUPERSEDED)
                .firstResultOptional();
    }
}
