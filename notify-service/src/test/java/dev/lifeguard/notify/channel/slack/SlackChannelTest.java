package dev.lifeguard.notify.channel.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Link;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.support.event.CloudEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlackChannelTest {

    private final SlackChannel slack = new SlackChannel();
    private final CloudEvent about = GoldenEvents.cloudEvent(GoldenEvents.UPGRADED);

    @Test
    void rendersBlockKitWithHeaderSectionContextAndFallbackText() {
        JsonNode message = slack.render(new NotificationContent("checkout", "production",
                "checkout 2.0.0 deployed to production", "checkout 2.0.0 is now running in production.",
                List.of(new Link("change", "https://git.example.com/c/e4f5a6b")), about, "chain-1"));

        assertThat(message.path("text").asText()).isEqualTo("checkout 2.0.0 deployed to production");
        JsonNode blocks = message.path("blocks");
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("checkout 2.0.0 deployed to production");
        assertThat(blocks.get(1).path("type").asText()).isEqualTo("section");
        assertThat(blocks.get(1).at("/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).at("/text/text").asText()).isEqualTo("checkout 2.0.0 is now running in production.");
        assertThat(blocks.get(2).path("type").asText()).isEqualTo("context");
        assertThat(blocks.get(2).path("elements")).extracting(element -> element.path("text").asText())
                .containsExactly("*checkout* in *production*",
                        "<https://git.example.com/c/e4f5a6b|change>",
                        "event `" + about.id() + "`",
                        "chain `chain-1`");
    }

    @Test
    void escapesMrkdwnControlCharactersButNotThePlainTextHeader() {
        JsonNode message = slack.render(new NotificationContent("checkout", "production", "a <b> & c",
                "reason: latency > 2s & <script>", List.of(), about, "chain-1"));

        assertThat(message.path("text").asText()).isEqualTo("a &lt;b&gt; &amp; c");
        assertThat(message.at("/blocks/0/text/text").asText()).isEqualTo("a <b> & c");
        assertThat(message.at("/blocks/1/text/text").asText()).isEqualTo("reason: latency &gt; 2s &amp; &lt;script&gt;");
    }

    @Test
    void keepsWithinBlockKitLimits() {
        String longTitle = "t".repeat(400);
        String longText = "x".repeat(5000);
        JsonNode message = slack.render(new NotificationContent("checkout", "production", longTitle, longText,
                List.of(), about, "chain-1"));

        assertThat(message.at("/blocks/0/text/text").asText()).hasSize(SlackChannel.HEADER_MAX).endsWith("…");
        assertThat(message.at("/blocks/1/text/text").asText()).hasSize(SlackChannel.SECTION_MAX);
    }

    @Test
    void criticalNotificationPingsEveryoneActiveAndShowsASiren() {
        JsonNode message = slack.render(new NotificationContent("checkout", "production",
                "Rollback FAILED: checkout still runs 2.0.0 in production", "Lifeguard could not roll back: 503 & <retry>.",
                List.of(), about, "chain-1", Urgency.CRITICAL));

        assertThat(message.path("text").asText())
                .isEqualTo("<!here> Rollback FAILED: checkout still runs 2.0.0 in production");
        assertThat(message.at("/blocks/0/text/text").asText())
                .isEqualTo(":rotating_light: Rollback FAILED: checkout still runs 2.0.0 in production");
        assertThat(message.at("/blocks/1/text/text").asText())
                .isEqualTo("<!here> Lifeguard could not roll back: 503 &amp; &lt;retry&gt;.");
    }

    @Test
    void highUrgencyPingsWithAWarningSignAndNormalPingsNobody() {
        JsonNode high = slack.render(new NotificationContent("checkout", "production", "Roll back by hand", "text",
                List.of(), about, "chain-1", Urgency.HIGH));
        JsonNode normal = slack.render(new NotificationContent("checkout", "production", "Deployed", "text",
                List.of(), about, "chain-1", Urgency.NORMAL));

        assertThat(high.path("text").asText()).isEqualTo("<!here> Roll back by hand");
        assertThat(high.at("/blocks/0/text/text").asText()).isEqualTo(":warning: Roll back by hand");
        assertThat(normal.toString()).doesNotContain("<!here>", ":warning:", ":rotating_light:");
    }

    @Test
    void urgentSectionStaysWithinTheBlockKitLimitMentionIncluded() {
        JsonNode message = slack.render(new NotificationContent("checkout", "production", "t", "x".repeat(5000),
                List.of(), about, "chain-1", Urgency.CRITICAL));

        assertThat(message.at("/blocks/1/text/text").asText()).startsWith("<!here> ").hasSize(SlackChannel.SECTION_MAX);
    }
}
