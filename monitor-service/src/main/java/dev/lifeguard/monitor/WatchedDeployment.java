package dev.lifeguard.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A deployment as learnt from deploy-service's events, with the verification window its samples are judged in. */
@Entity
@Table(name = "watched_deployment")
public class WatchedDeployment extends PanacheEntityBase {

    /** deploy-service's deployment id. */
    @Id
    @Column(length = 200)
    public String id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, length = 200)
    public String version;

    @Column(name = "artifact_id", nullable = false, length = 1000)
    public String artifactId;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    /** The deployment event; an anomaly links to it as its trigger. */
    @Column(name = "event_id", nullable = false, length = 200)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public WatchStatus status;

    @Column(name = "window_start", nullable = false)
    public OffsetDateTime windowStart;

    @Column(name = "window_end", nullable = false)
    public OffsetDateTime windowEnd;

    public String key() {
        return service + "/" + environment;
    }
}
