package dev.lifeguard.notify.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A kind of chat or webhook destination. Each implementation lives in its own package and is found by
 * its {@code @Identifier}, which equals {@link #type()} and the subscriptions' {@code channel.type}.
 */
public interface ChatChannel {

    String type();

    /** The JSON body to POST for this notification; stored as is and sent on every attempt. */
    ObjectNode render(NotificationContent content);

    /** Extra request headers for a delivery about the given event, at the urgency it was composed with. */
    default Map<String, String> headers(String aboutEventId, String aboutEventType, NotificationContent.Urgency urgency) {
        return Map.of();
    }
}
