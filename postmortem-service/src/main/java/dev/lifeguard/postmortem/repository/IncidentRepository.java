package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.Incident;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
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

    /** Incidents the deployment is linked to as their fix. */
    public List<Incident> linkedTo(String deploymentId) {
        return list("from Incident incident where incident.id in"
                + " (select fix.incidentId from IncidentFix fix where fix.deploymentId = ?1)", deploymentId);
    }

    /**
     * Incidents of the target opened before {@code arrivedAt} that have neither an explicit fix nor a candidate that
     * arrived before it: those a deployment arriving then may be the candidate fix of.
     */
    public List<Incident> withoutEarlierFix(String service, String environment, OffsetDateTime arrivedAt) {
        return list("from Incident incident where incident.service = :service"
                        + " and incident.environment = :environment and incident.openedAt < :arrivedAt and not exists ("
                        + "select 1 from IncidentFix fix, FixDeployment deployment where fix.incidentId = incident.id"
                        + " and deployment.deploymentId = fix.deploymentId"
                        + " and (fix.linkedBy = 'explicit' or deployment.firstSeenAt < :arrivedAt))",
                Parameters.with("service", service).and("environment", environment).and("arrivedAt", arrivedAt));
    }

    /** Newest first; a null filter matches everything. */
    public List<Incident> search(String service, String environment) {
        return list("(:service is null or service = :service) and (:environment is null or environment = :environment)",
                Sort.descending("openedAt", "id"), Parameters.with("service", service).and("environment", environment));
    }
}
