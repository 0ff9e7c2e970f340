package dev.lifeguard.rollback;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * A decision about a deployment: the one taken for the anomalies it raised, or a manual rollback a person asked
 * for. The aggregate rollback-service owns.
 */
@Entity
@Table(name = "rollback_decision")
public class RollbackDecision extends PanacheEntityBase {

    /** Also the subject id of the rollback request, so deploy-service executes each decision once. */
    @Id
    @Column(length = 64)
    public String id;

    @Column(nullable = false, length = 100)
    public String service;

    @Column(nullable = false, length = 100)
    public String environment;

    @Column(name = "deployment_id", nullable = false, length = 200)
    public String deploymentId;

    @Column(name = "from_version", nullable = false, length = 200)
    public String fromVersion;

    /** The version to roll back to; null when skipped. */
    @Column(name = "to_version", length = 200)
    public String toVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    public Decision decision;

    @Column(nullable = false, length = 2000)
    public String reason;

    /** The anomaly decided on; null for a manual rollback. */
    @Column(name = "anomaly_id", length = 200)
    public String anomalyId;

    @Column(name = "anomaly_event_id", length = 200)
    public String anomalyEventId;

    @Column(name = "chain_id", nullable = false, length = 200)
    public String chainId;

    @Column(name = "decided_at", nullable = false)
    public OffsetDateTime decidedAt;

    /** Who asked for a manual rollback, as they named themselves; null when not said or not manual. */
    @Column(name = "requested_by", length = 200)
    public String requestedBy;

    /** The {@code Idempotency-Key} of the manual rollback request that made the decision, if it had one. */
    @Column(name = "idempotency_key", length = 200)
    public String idempotencyKey;

    /** SHA-256 of that request's fields: a key sent again with other fields is refused. */
    @Column(name = "request_fingerprint", length = 64)
    public String requestFingerprint;

    /** What deploy-service reported about executing the request; null until it reports. */
    @Enumerated(EnumType.STRING)
    @Column(length = 20)
    public Execution execution;

    @Column(name = "execution_detail", length = 2000)
    public String executionDetail;

    /** The rule that decided what the decision is now, e.g. {@code mode-auto}, {@code approved}; null before issue 9. */
    @Column(length = 40)
    public String rule;

    /** The rule that first decided it; unlike {@link #rule} it stays when the decision is settled. */
    @Column(name = "initial_rule", length = 40)
    public String initialRule;

    /** {@code {rule, reason, policy, inputs}} as JSON, as the events and the REST API show it; null before issue 9. */
    @Column(columnDefinition = "text")
    public String explanation;

    /** The stored policies that applied, e.g. {@code policy production v3}. */
    @Column(name = "policy_version", length = 400)
    public String policyVersion;

    @Convert(converter = TriggerKind.Column.class)
    @Column(name = "trigger_kind", nullable = false, length = 20)
    public TriggerKind triggerKind = TriggerKind.ANOMALY;

    @Column(name = "analysis_id", length = 200)
    public String analysisId;

    /** The analysis.finished event of an inconclusive verdict decided on. */
    @Column(name = "verdict_event_id", length = 200)
    public String verdictEventId;

    /** 1 for a first rollback; n + 1 when the version rollback n restored failed again. */
    @Column(nullable = false)
    public int depth = 1;

    /** AWAITING_APPROVAL: when it escalates and follows {@link #onApprovalTimeout}. */
    @Column(name = "approval_deadline")
    public OffsetDateTime approvalDeadline;

    /** What the approval timeout leads to, from the policy at decision time. */
    @Enumerated(EnumType.STRING)
    @Column(name = "on_approval_timeout", length = 20)
    public ApprovalTimeoutAction onApprovalTimeout;

    @Column(name = "escalation_team", length = 100)
    public String escalationTeam;

    @Column(name = "escalated_at")
    public OffsetDateTime escalatedAt;

    /** Who approved or rejected it; {@code timeout} when the approval timed out. */
    @Column(name = "settled_by", length = 200)
    public String settledBy;

    @Column(name = "settled_at")
    public OffsetDateTime settledAt;

    @Column(name = "settle_reason", length = 2000)
    public String settleReason;

    /** The last event published about the decision: what the next one links to. */
    @Column(name = "last_event_id", length = 64)
    public String lastEventId;

    /** The anomaly or verdict event the decision was taken on; null for a manual one. */
    public String triggerEventId() {
        return anomalyEventId != null ? anomalyEventId : verdictEventId;
    }

    public String key() {
        return service + "/" + environment;
    }
}
