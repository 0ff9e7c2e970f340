package dev.lifeguard.postmortem.rest.dto;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * An incident's fields plus its {@code timeline}, ordered by event time, its {@code fixes}, oldest link first, its
 * chain's rollback {@code decisions}, the first decided first, and {@code decision}: the one that changed last (where
 * the incident stands; null before rollback-service decided).
 */
public record IncidentDetailView(@JsonUnwrapped IncidentView incident, List<TimelineEntryView> timeline,
                                 List<FixView> fixes, DecisionView decision, List<DecisionView> decisions) {
}
