package dev.lifeguard.deploy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One version of a service deployed to one environment: the aggregate deploy-service owns. */
@Entity
@Table(name = "deployment")
public class Deployment extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(name = "artifact_id", nullable = false, length = 1000)
    public String artifactId;

    @Column(length = 100)
    public String team;

    @Column(name = "commit_sha", length = 100)
    public String commit;

    @Column(name = "change_url", length = 2000)
    public String changeUrl;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    /** The CI event that reported it; null when it came over REST. */
    @Column(name = "ci_event_id", length = 200)
    public String ciEventId;

    /** The {@code Idempotency-Key} of the REST request that reported it, if any. */
    @Column(name = "request_key", length = 200)
    public String requestKey;

    /** The canonical event deploy-service published for it; what later events link to. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public DeploymentStatus status;

    @Column(name = "deployed_at", nullable = false)
    public OffsetDateTime deployedAt;

    @Column(name = "status_changed_at", nullable = false)
    public OffsetDateTime statusChangedAt;

    @Column(name = "status_reason", length = 2000)
    public String statusReason;

    /** A running deployment whose status changed after it was deployed can only have been restored by a rollback. */
    public boolean restoredByRollback() {
        return status == DeploymentStatus.RUNNING && statusChangedAt.isAfter(deployedAt);
    }

    public String key() {
        return service + "/" + environment;
    }
}
