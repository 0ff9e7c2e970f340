package dev.lifeguard.notify.channel.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.channel.ChatChannel;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Slack incoming webhooks, in Block Kit: a header with the title, a section with the text, and a
 * context line with links and ids. The top-level {@code text} (mrkdwn, like the section) is what
 * notifications and screen readers show when blocks cannot be displayed. Slack has no priority field, so an
 * urgent notification is as loud as a message can be: {@code @here} in the notification text and the section
 * (everyone active in the channel is pinged) and a siren or warning sign in the header.
 */
@ApplicationScoped
@Identifier(SlackChannel.TYPE)
public class SlackChannel implements ChatChannel {

    public static final String TYPE = "slack";

    /** Block Kit limits: header text 150 characters, section text 3000, context 10 elements. */
    static final int HEADER_MAX = 150;
    static final int SECTION_MAX = 3000;
    private static final int CONTEXT_MAX = 10;

    /** Slack's mention of everyone active in the channel. */
    static final String HERE = "<!here>";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ObjectNode render(NotificationContent content) {
        Urgency urgency = content.urgency();
        // Added after escaping: the mention is Slack's own syntax, everything else is text from events.
        String mention = urgency.callsPeopleIn() ? HERE + " " : "";
        ObjectNode message = JSON.objectNode();
        message.put("text", mention + escape(content.title()));
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text")
                .put("text", truncate(sign(urgency) + content.title(), HEADER_MAX));

        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn")
                .put("text", mention + truncate(escape(content.text()), SECTION_MAX - mention.length()));

        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        mrkdwn(context, "*" + escape(content.service()) + "* in *" + escape(content.environment()) + "*");
        for (NotificationContent.Link link : content.links()) {
            if (context.size() < CONTEXT_MAX - 2) {
                mrkdwn(context, link(link));
            }
        }
        mrkdwn(context, "event `" + escape(content.about().id()) + "`");
        mrkdwn(context, "chain `" + escape(content.chainId()) + "`");
        return message;
    }

    /** The header's first word for an urgent notification (an emoji shortcode Slack draws in plain_text). */
    private static String sign(Urgency urgency) {
        return switch (urgency) {
            case CRITICAL -> ":rotating_light: ";
            case HIGH -> ":warning: ";
            case NORMAL -> "";
        };
    }

    private static void mrkdwn(ArrayNode elements, String text) {
        elements.addObject().put("type", "mrkdwn").put("text", text);
    }

    /**
     * Slack reads &, < and > as control characters in mrkdwn: escaped, text from events cannot mention
     * ({@code <!channel>}) or link ({@code <https://evil|click>}). Emphasis characters ({@code *}, {@code _},
     * {@code ~}, {@code `}) have no escape in mrkdwn; they can only change how text looks, never what it does.
     */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * {@code <url|label>} for an http(s) URL; anything else (a {@code javascript:} URL, a URL with spaces) is shown as
     * escaped text, never as a link.
     */
    static String link(NotificationContent.Link link) {
        String label = escape(link.label() == null ? "link" : link.label());
        if (!isHttpUrl(link.url())) {
            return label + ": " + escape(String.valueOf(link.url()));
        }
        return "<" + linkTarget(link.url()) + "|" + label + ">";
    }

    static boolean isHttpUrl(String url) {
        return url != null && url.matches("(?i)https?://[^\\s\\p{Cntrl}]+");
    }

    /** A URL inside {@code <url|label>} must not contain the delimiters; {@code &} is escaped as everywhere. */
    private static String linkTarget(String url) {
        return url.replace("&", "&amp;").replace("|", "%7C").replace(">", "%3E").replace("<", "%3C");
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
