package dev.lifeguard.rollback.service;

import dev.lifeguard.rollback.Decision;
import dev.lifeguard.rollback.RollbackDecision;
import dev.lifeguard.rollback.config.RollbackConfig;
import dev.lifeguard.rollback.event.RollbackEvents;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;

/**
 * Queues a decision's events in the outbox, in the caller's transaction. Each change of a decision publishes
 * {@code decided}; a first decision's events link to its anomaly or verdict, later ones to the decision's previous
 * {@code decided} event.
 */
@ApplicationScoped
public class DecisionEvents {

    private final RollbackEvents events;
    private final Outbox outbox;
    private final RollbackConfig config;

    public DecisionEvents(RollbackEvents events, Outbox outbox, RollbackConfig config) {
        this.events = events;
        this.outbox = outbox;
        this.config = config;
    }

    /** What a decision's next events link to: its previous {@code decided} event, else what it was taken on. */
    public String link(RollbackDecision decision) {
        return decision.lastEventId != null ? decision.lastEventId : decision.triggerEventId();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void decided(RollbackDecision decision, Decision previous, String link) {
        CloudEvent decided = events.decided(decision, previous, link);
        enqueue(decision, decided);
        decision.lastEventId = decided.id();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void requested(RollbackDecision decision, String link) {
        enqueue(decision, events.rollbackRequested(decision, link));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void approvalRequested(RollbackDecision decision, Duration timeout, String link) {
        enqueue(decision, events.approvalRequested(decision, timeout, link));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void escalated(RollbackDecision decision, String because, String then, String link) {
        enqueue(decision, events.escalated(decision, because, then, link));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void guardTripped(RollbackDecision decision, DecisionRules.StormGuard storm, String link) {
        enqueue(decision, events.guardTripped(decision, storm.count(), storm.limit(), DecisionRules.STORM_WINDOW,
                storm.since(), link));
    }

    private void enqueue(RollbackDecision decision, CloudEvent event) {
        outbox.enqueue(config.rollbacksTopic(), decision.key(), event);
    }

    static Instant instant(java.time.OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
