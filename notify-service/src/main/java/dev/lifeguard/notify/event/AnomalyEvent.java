package dev.lifeguard.notify.event;

import dev.lifeguard.support.event.CloudEvent;

import java.util.List;

/** monitor-service's {@code incident.detected}, with the evidence it carries (any of it may be missing). */
public record AnomalyEvent(CloudEvent cloudEvent, String service, String environment, String version,
                           String description, String metric, Double threshold, List<Double> observedValues,
                           String anomalyId) implements NotifiableEvent {

    public AnomalyEvent {
        observedValues = List.copyOf(observedValues);
    }
}
