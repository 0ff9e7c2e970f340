package dev.lifeguard.postmortem.rest.dto;

import dev.lifeguard.postmortem.TimelineEntry;

import java.time.OffsetDateTime;

public record TimelineEntryView(OffsetDateTime time, String type, String summary, String eventId) {

    public static TimelineEntryView of(TimelineEntry entry) {
        return new TimelineEntryView(entry.time, entry.type, entry.summary, entry.eventId);
    }
}
