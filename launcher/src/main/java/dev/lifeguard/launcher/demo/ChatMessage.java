package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a chat user sees of one webhook delivery: a title and a text. The webhook body may be the notification
 * event itself, the CloudEvent it is about (then the title and text come from the matching notification event
 * on {@code lifeguard.notifications}, when known), or Slack Block Kit JSON.
 *
 * @param aboutType    the CloudEvents type of the event the message is about, empty when unknown
 * @param aboutEventId the id of the event the message is about, empty when unknown
 */
public record ChatMessage(String title, String text, String aboutType, String aboutEventId) {

    static final String NOTIFICATION_TYPE_PREFIX = "dev.cdeventsx.lifeguard-notification.published.";
    private static final int RAW_LIMIT = 300;

    /**
     * @param notificationAbout the {@code data.subject.content} of the notification about a given event id, if seen
     */
    public static ChatMessage from(JsonNode body, Function<String, Optional<JsonNode>> notificationAbout) {
        if (body.path("type").asText().startsWith(NOTIFICATION_TYPE_PREFIX)) {
            return fromNotification(body.at("/data/subject/content"), "", "");
        }
        if (body.has("specversion")) {
            String type = body.path("type").asText("");
            String id = body.path("id").asText("");
            Optional<JsonNode> notification = notificationAbout.apply(id);
            if (notification.isPresent()) {
                return fromNotification(notification.get(), type, id);
            }
            DemoEvent event = new DemoEvent("", 0, 0, null, body);
            return new ChatMessage(event.summary(), body.at("/data/subject/content/description").asText(""), type, id);
        }
        if (body.has("blocks") || body.has("text")) {
            return fromSlack(body);
        }
        String raw = body.toString();
        return new ChatMessage("webhook call", raw.length() > RAW_LIMIT ? raw.substring(0, RAW_LIMIT) + "…" : raw, "",
                "");
    }

    /** Title on the first line, the text (if any) below it. */
    public String render() {
        return text.isBlank() || text.equals(title) ? title : title + "\n" + text;
    }

    public boolean isAbout(String shortType) {
        return !aboutType.isEmpty() && DemoEvent.shortType(aboutType).equals(shortType);
    }

    private static ChatMessage fromNotification(JsonNode content, String aboutType, String aboutEventId) {
        String about = aboutType.isEmpty() ? content.path("aboutEventType").asText("") : aboutType;
        String aboutId = aboutEventId.isEmpty() ? content.path("aboutEventId").asText("") : aboutEventId;
        return new ChatMessage(content.path("title").asText("(no title)"), content.path("text").asText(""), about,
                aboutId);
    }

    private static ChatMessage fromSlack(JsonNode body) {
        String title = body.path("text").asText("");
        List<String> texts = new ArrayList<>();
        for (JsonNode block : body.path("blocks")) {
            String text = block.at("/text/text").asText("");
            if (!text.isEmpty() && !text.equals(title)) {
                texts.add(text);
            }
            for (JsonNode field : block.path("fields")) {
                String fieldText = field.path("text").asText("");
                if (!fieldText.isEmpty()) {
                    texts.add(fieldText);
                }
            }
        }
        if (title.isEmpty() && !texts.isEmpty()) {
            title = texts.remove(0);
        }
        return new ChatMessage(title, String.join("\n", texts), "", "");
    }
}
