package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

/** An event teams can subscribe to, read tolerantly; {@link NotifiableEvents#from} makes them. */
public sealed interface NotifiableEvent
        permits DeploymentEvent, AnomalyEvent, RollbackRequestedEvent, RolledBackEvent, AnalysisFinishedEvent,
        RollbackFailedEvent, RollbackSkippedEvent, RollbackAcceptedEvent, RolloutEvent, RollbackDecisionEvent {

    CloudEvent cloudEvent();

    String service();

    String environment();

    /** False for an event that is read (and recorded as handled) but no team needs to hear about. */
    default boolean worthTelling() {
        return true;
    }

    /** The chain to carry on; an event that names none starts its own. */
    default String chainId() {
        return cloudEvent().chainId() != null ? cloudEvent().chainId() : cloudEvent().id();
    }
}
