package dev.lifeguard.postmortem.event;

import dev.lifeguard.postmortem.TimelineKind;

/** The part of a chain event that depends on its type. */
public sealed interface EventDetails
        permits DeploymentReported, AnomalyDetected, AnalysisFinished, RollbackRequested, RollbackOutcome,
        ServiceRolledBack, NotificationPublished, RolloutReported, DecisionEvent {

    TimelineKind kind();
}
