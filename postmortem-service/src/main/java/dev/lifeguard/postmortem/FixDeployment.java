package dev.lifeguard.postmortem;

import dev.lifeguard.postmortem.event.ChainEvent;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * A deployment as a possible fix: when it reached its target, took traffic, was verified (promoted, or its analysis
 * at full traffic passed) or failed (aborted, or that analysis failed), and what incidents it says it fixes. Each
 * time is the earliest event that showed it, so the record does not depend on the order events arrive in.
 */
@Entity
@Table(name = "fix_deployment")
public class FixDeployment extends PanacheEntityBase {

    public static final String VERIFIED_BY_PROMOTION = "promotion";
    public static final String VERIFIED_BY_ANALYSIS = "analysis";
    public static final String FAILED_BY_ABORT = "abort";
    public static final String FAILED_BY_ANALYSIS = "analysis";

    @Id
    @Column(name = "deployment_id", length = 200)
    public String deploymentId;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(nullable = false, columnDefinition = "text")
    public String version;

    /** When it arrived at the target (gated, a step, deployed); null while only its verdict is known. */
    @Column(name = "first_seen_at")
    public OffsetDateTime firstSeenAt;

    @Column(name = "deployed_at")
    public OffsetDateTime deployedAt;

    @Column(name = "deployed_event_id", length = 200)
    public String deployedEventId;

    @Column(name = "deployed_event_type", length = 200)
    public String deployedEventType;

    @Column(name = "verified_at")
    public OffsetDateTime verifiedAt;

    @Column(name = "verified_event_id", length = 200)
    public String verifiedEventId;

    @Column(name = "verified_event_type", length = 200)
    public String verifiedEventType;

    @Column(name = "verified_by", length = 20)
    public String verifiedBy;

    @Column(name = "failed_at")
    public OffsetDateTime failedAt;

    @Column(name = "failed_event_id", length = 200)
    public String failedEventId;

    @Column(name = "failed_event_type", length = 200)
    public String failedEventType;

    @Column(name = "failed_by", length = 20)
    public String failedBy;

    @Column(name = "failure_reason", columnDefinition = "text")
    public String failureReason;

    /** Incident ids, anomaly ids or chain ids, as the deployment named them. */
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "fix_deployment_claim", joinColumns = @JoinColumn(name = "deployment_id"))
    @Column(name = "claimed_id", nullable = false, length = 200)
    public Set<String> claims = new HashSet<>();

    public static FixDeployment of(String deploymentId, ChainEvent event, String version) {
        FixDeployment deployment = new FixDeployment();
        deployment.deploymentId = deploymentId;
        deployment.service = event.service();
        deployment.environment = event.environment();
        deployment.version = version;
        return deployment;
    }

    public void seen(ChainEvent event) {
        if (firstSeenAt == null || event.time().isBefore(firstSeenAt)) {
            firstSeenAt = event.time();
        }
    }

    public void claim(Collection<String> fixes) {
        fixes.stream().filter(id -> id.length() <= 200).forEach(claims::add);
    }

    public void deployed(ChainEvent event) {
        if (deployedAt == null || event.time().isBefore(deployedAt)) {
            deployedAt = event.time();
            deployedEventId = event.id();
            deployedEventType = event.cloudEvent().type();
        }
    }

    public void verified(ChainEvent event, String by) {
        if (verifiedAt == null || event.time().isBefore(verifiedAt)) {
            verifiedAt = event.time();
            verifiedEventId = event.id();
            verifiedEventType = event.cloudEvent().type();
            verifiedBy = by;
        }
    }

    public void failed(ChainEvent event, String by, String reason) {
        if (failedAt == null || event.time().isBefore(failedAt)) {
            failedAt = event.time();
            failedEventId = event.id();
            failedEventType = event.cloudEvent().type();
            failedBy = by;
            failureReason = reason;
        }
    }

    /**
     * linked, deployed, verified or failed. A failure at or after the verification wins (a promoted fix whose
     * full-traffic analysis then fails did not fix anything); a verification after a failure wins too.
     */
    public FixStatus status() {
        if (failedAt != null && (verifiedAt == null || !failedAt.isBefore(verifiedAt))) {
            return FixStatus.FAILED;
        }
        if (verifiedAt != null) {
            return FixStatus.VERIFIED;
        }
        return deployedAt != null ? FixStatus.DEPLOYED : FixStatus.LINKED;
    }
}
