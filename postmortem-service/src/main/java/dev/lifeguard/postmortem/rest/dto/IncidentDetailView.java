package dev.lifeguard.postmortem.rest.dto;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/** An incident's fields plus its {@code timeline}, ordered by event time, and its {@code fixes}, oldest link first. */
public record IncidentDetailView(@JsonUnwrapped IncidentView incident, List<TimelineEntryView> timeline,
                                 List<FixView> fixes) {
}
