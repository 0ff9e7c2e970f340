package dev.lifeguard.postmortem;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** A deployment linked to an incident as its fix; its state is the {@link FixDeployment}'s. */
@Entity
@Table(name = "incident_fix")
@IdClass(IncidentFix.Key.class)
public class IncidentFix extends PanacheEntityBase {

    /** The deployment named the incident (its id, its anomaly id or its chain id). */
    public static final String EXPLICIT = "explicit";
    /** Named nothing: the first deployment of the incident's target after it opened. */
    public static final String CANDIDATE = "candidate";

    @Id
    @Column(name = "incident_id", length = 64)
    public String incidentId;

    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(name = "linked_by", nullable = false, length = 20)
    public String linkedBy;

    @Column(name = "linked_at", nullable = false)
    public OffsetDateTime linkedAt;

    public static IncidentFix of(String incidentId, String deploymentId, String linkedBy, OffsetDateTime now) {
        IncidentFix fix = new IncidentFix();
        fix.incidentId = incidentId;
        fix.deploymentId = deploymentId;
        fix.linkedBy = linkedBy;
        fix.linkedAt = now;
        return fix;
    }

    public static class Key implements Serializable {

        public String incidentId;
        public String deploymentId;

        public Key() {
        }

        public Key(String incidentId, String deploymentId) {
            this.incidentId = incidentId;
            this.deploymentId = deploymentId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(incidentId, key.incidentId)
                    && Objects.equals(deploymentId, key.deploymentId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(incidentId, deploymentId);
        }
    }
}
