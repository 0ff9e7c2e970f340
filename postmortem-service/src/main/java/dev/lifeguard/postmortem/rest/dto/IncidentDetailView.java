package dev.lifeguard.postmortem.rest.dto;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/** An incident's fields plus its {@code timeline}, ordered by event time. */
public record IncidentDetailView(@JsonUnwrapped IncidentView incident, List<TimelineEntryView> timeline) {
}
