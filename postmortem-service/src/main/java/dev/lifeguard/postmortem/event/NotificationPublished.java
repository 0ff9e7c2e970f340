package dev.lifeguard.postmortem.event;

import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;

/** notify-service's {@code lifeguard-notification.published}: a team was told about an event of the chain. */
public record NotificationPublished(String team, String channelType, String title) implements EventDetails {

    static NotificationPublished from(CdEvent event) {
        return new NotificationPublished(
                CdEvent.requiredText(event.document(), "/subject/content/team"),
                CdEvent.textOrNull(event.content().get("channelType")),
                CdEvent.requiredText(event.document(), "/subject/content/title"));
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.NOTIFICATION;
    }
}
