package dev.lifeguard.notify.event;

/** rollback-service's events about one decision (decided, approval-requested, escalated, guard-tripped). */
public sealed interface RollbackDecisionEvent extends NotifiableEvent
        permits RollbackDecidedEvent, ApprovalRequestedEvent, RollbackEscalatedEvent, GuardTrippedEvent {

    DecisionFacts facts();
}
