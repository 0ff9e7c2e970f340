package dev.lifeguard.notify.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent.Link;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.channel.slack.SlackChannel;
import dev.lifeguard.notify.channel.teams.TeamsChannel;
import dev.lifeguard.notify.channel.webhook.WebhookChannel;
import dev.lifeguard.support.event.CloudEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text from events (service names, versions, reasons, CI URLs, actors) is data: in no channel can it mention people,
 * make links, format or open HTML. Each hostile input goes into every text field of a notification.
 */
class HostileTextTest {

    private static final CloudEvent ABOUT = GoldenEvents.cloudEvent(GoldenEvents.UPGRADED);
    /** The only Slack controls a message may hold: links Lifeguard made from http(s) URLs, and its own mention. */
    private static final Pattern SLACK_OWN_CONTROLS = Pattern.compile("<https?://[^|<>\\s]+\\|[^<>]*>|<!here>");

    private static NotificationContent hostile(String input, Urgency urgency) {
        return new NotificationContent(input, input, "title " + input, "text " + input,
                List.of(new Link(input, input), new Link("change", "https://git.example.com/c/1")), ABOUT, input,
                urgency);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!channel>", "<!here|here>", "<@U123>", "<https://evil.example|click>", "*bold* _it_ ~s~",
            "[x](javascript:alert(1))", "javascript:alert(1)", "a & b <script>alert(1)</script>", "`code`",
            "line\nbreak | pipe", "&lt;!channel&gt;"})
    void slackShowsHostileTextAsTextAndLinksOnlyHttp(String input) {
        JsonNode message = new SlackChannel().render(hostile(input, Urgency.CRITICAL));

        for (String mrkdwn : slackMrkdwnTexts(message)) {
            String withoutOwnControls = SLACK_OWN_CONTROLS.matcher(mrkdwn).replaceAll("");
            assertThat(withoutOwnControls).as(mrkdwn).doesNotContain("<", ">");
            assertThat(mrkdwn).doesNotContain("<!channel>", "<https://evil", "<javascript:", "|click>");
        }
        List<String> context = texts(message.at("/blocks/2/elements"));
        assertThat(context).contains("<https://git.example.com/c/1|change>");
        // the hostile "URL" is never a link target: only http(s) URLs are, with their delimiters escaped
        assertThat(String.join("\n", context)).doesNotContain("<" + input);
        // what the people read is the input, once Slack has decoded its three entities
        assertThat(message.at("/blocks/1/text/text").asText()
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
                .isEqualTo("<!here> text " + input);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://ok.example/a|b>c<d", "https://ok.example/?a=1&b=2"})
    void slackEscapesDelimitersInsideHttpLinks(String url) {
        JsonNode message = new SlackChannel().render(new NotificationContent("s", "e", "t", "x",
                List.of(new Link("change", url)), ABOUT, "c"));

        String link = message.at("/blocks/2/elements/1/text").asText();
        assertThat(link).matches("<https://ok\\.example/[^|<>]+\\|change>");
        assertThat(link).doesNotContain("&b").contains(url.contains("&") ? "&amp;b" : "%7Cb%3Ec%3Cd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!channel>", "<https://evil.example|click>", "*bold* _it_", "[x](javascript:alert(1))",
            "javascript:alert(1)", "<script>alert(1)</script> &amp;", "`code`", "# heading\n- item\n> quote",
            "a | b", "![img](https://evil.example/p.png)"})
    void teamsEscapesMarkdownAndHtmlAndLinksOnlyHttp(String input) {
        JsonNode message = new TeamsChannel().render(hostile(input, Urgency.HIGH));
        JsonNode card = message.at("/attachments/0/content");

        List<String> shown = new ArrayList<>();
        card.path("body").forEach(block -> {
            if (block.has("text")) {
                shown.add(block.path("text").asText());
            }
            block.path("facts").forEach(fact -> shown.add(fact.path("value").asText()));
        });
        for (String text : shown) {
            assertThat(unescapedSpecials(text)).as(text).isEmpty();
            assertThat(text).doesNotContain("\n");
        }
        assertThat(shown.get(1)).isEqualTo(TeamsChannel.escape("text " + input));
        // a link is a button, and only for an http(s) URL
        assertThat(card.path("actions")).hasSize(1);
        assertThat(card.at("/actions/0/url").asText()).isEqualTo("https://git.example.com/c/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!channel>", "[x](javascript:alert(1))", "<script>alert(1)</script>"})
    void webhookCarriesTheEventAsJsonData(String input) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode message = new WebhookChannel(mapper).render(hostile(input, Urgency.NORMAL));

        // structured JSON: the receiver gets the event's own fields, quoted by JSON, and nothing rendered
        assertThat(mapper.readTree(mapper.writeValueAsString(message))).isEqualTo(ABOUT.toStructuredJson(mapper));
    }

    /** Markdown punctuation in {@code text} that no backslash escapes. */
    private static String unescapedSpecials(String text) {
        StringBuilder unescaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++; // the escaped character
            } else if ("`*_[]()<>#|!&~".indexOf(c) >= 0) {
                unescaped.append(c);
            }
        }
        return unescaped.toString();
    }

    private static List<String> slackMrkdwnTexts(JsonNode message) {
        List<String> texts = new ArrayList<>();
        texts.add(message.path("text").asText());
        texts.add(message.at("/blocks/1/text/text").asText());
        texts.addAll(texts(message.at("/blocks/2/elements")));
        return texts;
    }

    private static List<String> texts(JsonNode elements) {
        List<String> texts = new ArrayList<>();
        elements.forEach(element -> texts.add(element.path("text").asText()));
        return texts;
    }
}
