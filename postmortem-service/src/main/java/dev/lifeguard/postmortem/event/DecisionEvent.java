package dev.lifeguard.postmortem.event;

/** rollback-service's word on one of its decisions: decided, approval requested, escalated, storm guard tripped. */
public sealed interface DecisionEvent extends EventDetails
        permits RollbackDecided, ApprovalRequested, RollbackEscalated, StormGuardTripped {

    DecisionSubject subject();
}
