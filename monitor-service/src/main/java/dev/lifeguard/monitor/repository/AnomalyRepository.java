package dev.lifeguard.monitor.repository;

import dev.lifeguard.monitor.Anomaly;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class AnomalyRepository implements PanacheRepositoryBase<Anomaly, String> {

    public Optional<Anomaly> findByDeployment(String deploymentId) {
        return find("deploymentId", deploymentId).firstResultOptional();
    }

    /** Newest first; a null filter matches everything. */
    public List<Anomaly> search(String service, String environment) {
        return list("(:service is null or service = :service) and (:environment is null or environment = :environment)"
                        + " order by detectedAt desc, id",
                Parameters.with("service", service).and("environment", environment));
    }
}
