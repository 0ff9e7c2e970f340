package dev.lifeguard.postmortem.event;

import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/**
 * notify-service's {@code lifeguard-notification.published}: a team was told about an event of the chain, and how
 * urgently ({@code normal}, {@code high}, {@code critical}; null from notify-services that do not say).
 */
public record NotificationPublished(String team, String channelType, String title, String urgency)
        implements EventDetails {

    static NotificationPublished from(CdEvent event) {
        return new NotificationPublished(
                CdEvent.requiredText(event.document(), "/subject/content/team"),
                CdEvent.textOrNull(event.content().get("channelType")),
                CdEvent.requiredText(event.document(), "/subject/content/title"),
                CdEvent.textOrNull(event.content().get("urgency")));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.NOTIFICATION;
    }
}
