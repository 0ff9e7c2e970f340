package dev.lifeguard.notify.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds {@code lifeguard-notification.published}: one per delivery, linked to the event it is about. */
@ApplicationScoped
public class NotificationEvents {

    private final ObjectMapper mapper;
    private final NotifyConfig config;

    public NotificationEvents(ObjectMapper mapper, NotifyConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** {@code message} is exactly the body the delivery POSTs. */
    public CloudEvent published(Delivery delivery, NotificationContent content, JsonNode message) {
        ObjectNode published = mapper.createObjectNode();
        published.put("team", delivery.team);
        published.put("service", delivery.service);
        published.put("environment", delivery.environment);
        published.put("channelType", delivery.channelType);
        published.put("aboutEventId", delivery.eventId);
        published.put("aboutEventType", delivery.eventType);
        published.put("title", content.title());
        published.put("text", content.text());
        published.put("urgency", content.urgency().label());
        published.set("message", message);
        return CdEventBuilder.event(EventTypes.NOTIFICATION_PUBLISHED)
                .source(config.eventSource())
                .chainId(content.chainId())
                .triggeredBy(delivery.eventId)
                .subjectId(delivery.id)
                .cloudEventSubject(key(delivery))
                .content(published)
                .build(mapper);
    }

    /** Kafka key and CloudEvent subject. */
    public static String key(Delivery delivery) {
        return delivery.service + "/" + delivery.environment;
    }
}
