package dev.lifeguard.postmortem.repository;

import dev.lifeguard.postmortem.IncidentFix;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class IncidentFixRepository implements PanacheRepositoryBase<IncidentFix, IncidentFix.Key> {

    /** Oldest link first. */
    public List<IncidentFix> forIncident(String incidentId) {
        return list("incidentId = ?1 order by linkedAt, deploymentId", incidentId);
    }

    public List<IncidentFix> forDeployment(String deploymentId) {
        return list("deploymentId", deploymentId);
    }
}
