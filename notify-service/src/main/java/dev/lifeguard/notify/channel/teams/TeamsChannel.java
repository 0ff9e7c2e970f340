package dev.lifeguard.notify.channel.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.channel.ChatChannel;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Microsoft Teams (an incoming webhook or a Workflows "post to a channel when a webhook request is received"), as an
 * Adaptive Card: the title in bold (red for critical, amber for high urgency), the text, the facts (service,
 * environment, event, chain) and one button per http(s) link. Teams renders a subset of Markdown in text blocks, so
 * every text from events goes through {@link #escape}; links are buttons, never Markdown, and only for http(s).
 */
@ApplicationScoped
@Identifier(TeamsChannel.TYPE)
public class TeamsChannel implements ChatChannel {

    public static final String TYPE = "teams";

    /** Adaptive Cards allow a handful of actions; more links are left out. */
    private static final int ACTIONS_MAX = 5;
    private static final int TEXT_MAX = 3000;
    private static final String MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~&=\"'";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectNode render(NotificationContent content) {
        ObjectNode message = JSON.objectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject()
                .put("contentType", "application/vnd.microsoft.card.adaptive");
        ObjectNode card = attachment.putObject("content")
                .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
                .put("type", "AdaptiveCard")
                .put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", escape(content.title()))
                .put("weight", "Bolder").put("size", "Medium").put("wrap", true)
                .put("color", color(content.urgency()));
        body.addObject().put("type", "TextBlock").put("text", escape(truncate(content.text(), TEXT_MAX)))
                .put("wrap", true);
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Service", content.service());
        fact(facts, "Environment", content.environment());
        fact(facts, "Urgency", content.urgency().label());
        fact(facts, "Event", content.about().id());
        fact(facts, "Chain", content.chainId());
        ArrayNode actions = card.putArray("actions");
        for (NotificationContent.Link link : content.links()) {
            if (actions.size() < ACTIONS_MAX && isHttpUrl(link.url())) {
                actions.addObject().put("type", "Action.OpenUrl")
                        .put("title", link.label() == null ? "link" : link.label())
                        .put("url", link.url());
            }
        }
        return message;
    }

    private static void fact(ArrayNode facts, String title, String value) {
        if (value != null) {
            facts.addObject().put("title", title).put("value", escape(value));
        }
    }

    private static String color(Urgency urgency) {
        return switch (urgency) {
            case CRITICAL -> "Attention";
            case HIGH -> "Warning";
            case NORMAL -> "Default";
        };
    }

    /**
     * Text shown literally in Teams: every Markdown punctuation character (CommonMark lets any ASCII punctuation be
     * escaped with a backslash) is escaped, so text from events cannot format, link ({@code [x](javascript:...)}) or
     * open HTML ({@code <b>}, {@code &amp;}); line breaks become spaces where they could start a block.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (MARKDOWN_SPECIALS.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c == '\r' || c == '\n' ? ' ' : c);
        }
        return escaped.toString();
    }

    static boolean isHttpUrl(String url) {
        return url != null && url.matches("(?i)https?://[^\\s\\p{Cntrl}<>\"]+");
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
