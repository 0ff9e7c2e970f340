package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.Analysis;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class AnalysisRepository implements PanacheRepositoryBase<Analysis, String> {

    /** The target's analysis that started last: the running one, or the last that ended. */
    public Optional<Analysis> latest(String service, String environment) {
        return find("service = ?1 and environment = ?2 order by startedAt desc, updatedAt desc", service, environment)
                .firstResultOptional();
    }

    /** Newest first; a null filter matches everything. */
    public List<Analysis> search(String service, String environment, String status, int limit) {
        return find("(:service is null or service = :service) and (:environment is null or environment = :environment)"
                        + " and (:status is null or status = :status) order by startedAt desc, analysisId",
                Parameters.with("service", service).and("environment", environment).and("status", status))
                .page(0, limit).list();
    }

    /** Takes a snapshot unless a newer one (higher revision) is already there; true when it was taken. */
    public boolean takeSnapshot(Analysis snapshot) {
        Analysis stored = findById(snapshot.analysisId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (stored == null) {
            persist(snapshot);
            return true;
        }
        if (stored.revision >= snapshot.revision) {
            return false;
        }
        getEntityManager().merge(snapshot);
        return true;
    }
}
