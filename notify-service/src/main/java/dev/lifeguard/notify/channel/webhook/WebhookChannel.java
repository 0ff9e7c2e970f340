package dev.lifeguard.notify.channel.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.channel.ChatChannel;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * Generic webhooks get the event itself, as a structured-mode CloudEvent: receivers that want their own
 * wording have every field, and the {@code ce-id}/{@code ce-type} headers let them route before parsing.
 * {@value #URGENCY_HEADER} ({@code normal}, {@code high}, {@code critical}) lets them page on what is urgent
 * without knowing Lifeguard's event types.
 */
@ApplicationScoped
@Identifier(WebhookChannel.TYPE)
public class WebhookChannel implements ChatChannel {

    public static final String TYPE = "webhook";
    public static final String URGENCY_HEADER = "X-Lifeguard-Urgency";

    private final ObjectMapper mapper;

    public WebhookChannel(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectNode render(NotificationContent content) {
        return content.about().toStructuredJson(mapper);
    }

    @Override
    public Map<String, String> headers(String aboutEventId, String aboutEventType, Urgency urgency) {
        return Map.of("ce-id", aboutEventId, "ce-type", aboutEventType, URGENCY_HEADER, urgency.label());
    }
}
