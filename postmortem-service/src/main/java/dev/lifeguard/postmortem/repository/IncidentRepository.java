package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.Incident;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class IncidentRepository implements PanacheRepositoryBase<Incident, String> {

    public Optional<Incident> findByChainId(String chainId) {
        return find("chainId", chainId).firstResultOptional();
    }

    /** Newest first; a null filter matches everything. */
    public List<Incident> search(String service, String environment) {
        List<String> conditions = new ArrayList<>();
        Parameters parameters = new Parameters();
        if (service != null) {
            conditions.add("service = :service");
            parameters.and("service", service);
        }
        if (environment != null) {
            conditions.add("environment = :environment");
            parameters.and("environment", environment);
        }
        return list(String.join(" and ", conditions), Sort.descending("openedAt", "id"), parameters);
    }
}
