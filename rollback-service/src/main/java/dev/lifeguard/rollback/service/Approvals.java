package dev.lifeguard.rollback.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.ApprovalTimeoutAction;
import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.repository.RollbackDecisionRepository;
import dev.lifeguard.rollback.repository.TargetLock;
import dev.lifeguard.rollback.service.ApprovalRefusedException.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import dev.lifeguard.support.audit.AuditTrail;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Settles decisions that wait for a person (AWAITING_APPROVAL, HELD): approved (a rollback request is published) or
 * rejected; and, past the approval deadline, escalates and follows the policy's {@code onApprovalTimeout}. Every
 * change is taken under the target lock, so a person and the timeout job (of any instance) settle a decision once.
 */
@ApplicationScoped
public class Approvals {

    private static final Logger LOG = Logger.getLogger(Approvals.class);
    public static final String TIMEOUT = "timeout";

    private final RollbackDecisionRepository decisions;
    private final TargetLock locks;
    private final DecisionEvents events;
    private final ObjectMapper mapper;
    private final AuditTrail audit;

    public Approvals(RollbackDecisionRepository decisions, TargetLock locks, DecisionEvents events, ObjectMapper mapper,
                     AuditTrail audit) {
        this.audit = audit;
        this.decisions = decisions;
        this.locks = locks;
        this.events = events;
        this.mapper = mapper;
    }

    /** Approves the decision: it becomes APPROVED and its rollback is requested. Approving it again changes nothing. */
    @Transactional
    public RollbackDecision approve(String id, String by, String reason) {
        RollbackDecision decision = locked(id);
        if (decision.decision == Decision.APPROVED) {
            return decision;
        }
        refuseUnlessApprovable(decision, "approve");
        if (decision.toVersion == null) {
            throw new ApprovalRefusedException(Refusal.CONFLICT, "toVersion", "decision " + id + " names no version to"
                    + " go back to (" + decision.reason + "): roll back by hand with POST /api/v1/rollbacks and toVersion");
        }
        Optional<RollbackDecision> underWay = decisions.findUnderWay(decision.deploymentId);
        if (underWay.isPresent()) {
            throw new ApprovalRefusedException(Refusal.CONFLICT, "decision", "a rollback of deployment "
                    + decision.deploymentId + " is under way: decision " + underWay.get().id + " ("
                    + underWay.get().decision + ", " + underWay.get().fromVersion + " -> " + underWay.get().toVersion
                    + "); wait until deploy-service reports its outcome, or reject this one");
        }
        String line = "approved by " + by + (reason != null ? " (\"" + reason + "\")" : "") + ": roll "
                + decision.service + " " + decision.fromVersion + " back to " + decision.toVersion;
        Decision previous = settle(decision, Decision.APPROVED, "approved", line, by, reason);
        decision.reason = requestReason(decision, line);
        String link = events.link(decision);
        events.decided(decision, previous, link);
        events.requested(decision, decision.lastEventId);
        return decision;
    }

    /** Rejects the decision: nothing is executed. Rejecting it again changes nothing. */
    @Transactional
    public RollbackDecision reject(String id, String by, String reason) {
        RollbackDecision decision = locked(id);
        if (decision.decision == Decision.REJECTED) {
            return decision;
        }
        refuseUnlessApprovable(decision, "reject");
        String line = "rejected by " + by + " (\"" + reason + "\"): " + decision.service + " " + decision.fromVersion
                + " is not rolled back";
        Decision previous = settle(decision, Decision.REJECTED, "rejected", line, by, reason);
        events.decided(decision, previous, events.link(decision));
        return decision;
    }

    /**
     * Past its deadline a decision still waiting for approval escalates to the escalation team and then follows
     * {@code onApprovalTimeout}: rolled back (a request is published) or held. Returns whether it acted: another
     * instance, or a person, may have settled it first.
     */
    @Transactional
    public boolean timeOut(String id, OffsetDateTime now) {
        Optional<RollbackDecision> found = decisions.findByIdOptional(id);
        if (found.isEmpty()) {
            return false;
        }
        locks.lock(found.get().service, found.get().environment);
        RollbackDecision decision = decisions.getEntityManager().find(RollbackDecision.class, id);
        decisions.getEntityManager().refresh(decision);
        if (decision.decision != Decision.AWAITING_APPROVAL || decision.approvalDeadline == null
                || decision.approvalDeadline.isAfter(now)) {
            return false;
        }
        boolean wantsRollback = decision.onApprovalTimeout == ApprovalTimeoutAction.ROLLBACK;
        // a rollback of the deployment requested meanwhile (by hand) is not requested twice: then it is held
        Optional<RollbackDecision> underWay = decisions.findUnderWay(decision.deploymentId);
        boolean rollBack = wantsRollback && decision.toVersion != null && underWay.isEmpty();
        String timeout = java.time.Duration.between(decision.decidedAt, decision.approvalDeadline).toString();
        String then;
        if (rollBack) {
            then = "; rolling back to " + decision.toVersion + " (onApprovalTimeout rollback)";
        } else if (wantsRollback) {
            then = "; held instead of rolled back (onApprovalTimeout rollback) because " + (decision.toVersion == null
                    ? "there is no version to go back to" : "rollback " + underWay.get().id + " is under way")
                    + ", approve or reject it by hand";
        } else {
            then = "; held (onApprovalTimeout hold), approve or reject it by hand";
        }
        String line = "nobody answered the approval within " + timeout + ": escalated to " + decision.escalationTeam
                + then;
        decision.escalatedAt = now;
        Decision previous = decision.decision;
        decision.decision = rollBack ? Decision.ROLL_BACK : Decision.HELD;
        decision.rule = "approval-timeout";
        decision.explanation = replaced(decision, "approval-timeout", line);
        decision.settledBy = TIMEOUT;
        decision.settledAt = now;
        decision.settleReason = "no answer within " + timeout;
        if (rollBack) {
            decision.reason = requestReason(decision, line);
        }
        String link = events.link(decision);
        events.escalated(decision, "approval-timeout", rollBack ? "rollback" : "hold", link);
        events.decided(decision, previous, link);
        if (rollBack) {
            events.requested(decision, decision.lastEventId);
        }
        audit.recordAutomatic("rollback.escalated", decision.key(), decision.decision.name(), line);
        LOG.infof("Decision %s for %s: approval timed out, escalated to %s, now %s", decision.id, decision.key(),
                decision.escalationTeam, decision.decision);
        return true;
    }

    private RollbackDecision locked(String id) {
        RollbackDecision decision = decisions.findByIdOptional(id).orElseThrow(() ->
                new ApprovalRefusedException(Refusal.UNKNOWN_DECISION, null, "no rollback decision with id '" + id + "'"));
        locks.lock(decision.service, decision.environment);
        // what another transaction settled while this one waited for the lock
        decisions.getEntityManager().refresh(decision);
        return decision;
    }

    private static void refuseUnlessApprovable(RollbackDecision decision, String action) {
        if (!decision.decision.approvable()) {
            throw new ApprovalRefusedException(Refusal.CONFLICT, "decision", "decision " + decision.id + " is "
                    + decision.decision + (decision.settledBy != null ? " (by " + decision.settledBy + ")" : "")
                    + ": only AWAITING_APPROVAL or HELD decisions can be " + (action.equals("approve")
                    ? "approved" : "rejected"));
        }
    }

    private Decision settle(RollbackDecision decision, Decision outcome, String rule, String line, String by,
                           String reason) {
        Decision previous = decision.decision;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        decision.decision = outcome;
        decision.rule = rule;
        decision.explanation = replaced(decision, rule, line);
        decision.settledBy = by;
        decision.settledAt = now;
        decision.settleReason = reason;
        LOG.infof("Decision %s for %s: %s", decision.id, decision.key(), line);
        return previous;
    }

    /**
     * What the rollback request tells deploy-service and the target's tooling once a person (or the timeout) let it
     * go: who let it go, then the evidence, not the question the decision asked while it waited.
     */
    private String requestReason(RollbackDecision decision, String line) {
        try {
            String evidence = mapper.readTree(decision.explanation).path("inputs").path("evidence").asText("");
            return DecisionRules.oneLine(evidence.isEmpty() ? line : line + "; " + evidence);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Decision " + decision.id + " has an unreadable explanation", e);
        }
    }

    /** The explanation with a new rule and reason; the policy and the inputs stay what the decision was taken on. */
    private String replaced(RollbackDecision decision, String rule, String reason) {
        try {
            ObjectNode explanation = (ObjectNode) mapper.readTree(decision.explanation);
            explanation.put("rule", rule);
            explanation.put("reason", DecisionRules.oneLine(reason));
            return explanation.toString();
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("Decision " + decision.id + " has an unreadable explanation", e);
        }
    }
}
