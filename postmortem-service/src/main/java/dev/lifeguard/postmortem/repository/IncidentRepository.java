package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.Incident;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class IncidentRepository implements PanacheRepositoryBase<Incident, String> {

    public Optional<Incident> findByChainId(String chainId) {
        return find("chainId", chainId).firstResultOptional();
    }

    /** Incidents known by any of these ids: their own id, their anomaly's id or event id, or their chain id. */
    public List<Incident> knownAs(Collection<String> ids) {
        return list("id in ?1 or anomalyId in ?1 or anomalyEventId in ?1 or chainId in ?1", ids);
    }

    public List<Incident> ofTarget(String service, String environment) {
        return list("service = ?1 and environment = ?2", service, environment);
    }

    /** Newest first; a null filter matches everything. */
    public List<Incident> search(String service, String environment) {
        return list("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("openedAt", "id"), Parameters.with("service", service).and("environment", environment));
    }
}
