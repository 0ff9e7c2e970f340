package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ChatMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLLED_BACK_ID = "7d1c0e2a-0005-4c1b-9a40-000000000005";

    @Test
    void aNotificationEventCarriesItsOwnTitleAndText() throws Exception {
        JsonNode body = JSON.readTree(Examples.read("dev.cdeventsx.lifeguard-notification.published.0.1.0"));

        ChatMessage chat = ChatMessage.from(body, id -> Optional.empty());

        assertThat(chat.title()).isEqualTo("checkout rolled back to 1.0.0 in production");
        assertThat(chat.text()).startsWith("checkout was rolled back from 2.0.0 to 1.0.0 in production: error_rate");
        assertThat(chat.isAbout("service.rolledback")).isTrue();
        assertThat(chat.aboutEventId()).as("the event it is about").isEqualTo(ROLLED_BACK_ID);
        assertThat(chat.render()).isEqualTo(chat.title() + "\n" + chat.text());
    }

    @Test
    void aForwardedCloudEventTakesTitleAndTextFromItsNotification() throws Exception {
        JsonNode body = JSON.readTree(Examples.read("dev.cdevents.service.rolledback.0.3.0"));
        JsonNode notification = JSON.readTree(Examples.read("dev.cdeventsx.lifeguard-notification.published.0.1.0"))
                .at("/data/subject/content");
        Map<String, JsonNode> byAbout = Map.of(ROLLED_BACK_ID, notification);

        ChatMessage chat = ChatMessage.from(body, id -> Optional.ofNullable(byAbout.get(id)));

        assertThat(chat.title()).isEqualTo("checkout rolled back to 1.0.0 in production");
        assertThat(chat.isAbout("service.rolledback")).isTrue();
        assertThat(chat.aboutEventId()).isEqualTo(ROLLED_BACK_ID);
    }

    @Test
    void aForwardedCloudEventWithoutNotificationIsSummarised() throws Exception {
        JsonNode body = JSON.readTree(Examples.read("dev.cdevents.incident.detected.0.3.0"));

        ChatMessage chat = ChatMessage.from(body, id -> Optional.empty());

        assertThat(chat.title()).isEqualTo(
                "anomaly on checkout 2.0.0: error_rate > 0.05 for 3 consecutive samples, observed 0.21, 0.34, 0.4");
        assertThat(chat.text()).isEqualTo("error_rate above 0.05 for 3 consecutive samples on checkout 2.0.0 in production");
        assertThat(chat.isAbout("incident.detected")).isTrue();
    }

    @Test
    void slackBlockKitShowsItsTextAndSections() throws Exception {
        JsonNode body = JSON.readTree("""
                {"text": "checkout rolled back to 1.0.0",
                 "blocks": [
                   {"type": "header", "text": {"type": "plain_text", "text": "checkout rolled back to 1.0.0"}},
                   {"type": "section", "text": {"type": "mrkdwn", "text": "*2.0.0* → *1.0.0* in production"},
                    "fields": [{"type": "mrkdwn", "text": "reason: error_rate"}]}
                 ]}""");

        ChatMessage chat = ChatMessage.from(body, id -> Optional.empty());

        assertThat(chat.render()).isEqualTo("checkout rolled back to 1.0.0\n*2.0.0* → *1.0.0* in production\nreason: error_rate");
        assertThat(chat.aboutType()).isEmpty();
    }

    @Test
    void anythingElseIsShownRawAndShortened() throws Exception {
        JsonNode body = JSON.readTree("{\"hello\": \"" + "x".repeat(500) + "\"}");

        ChatMessage chat = ChatMessage.from(body, id -> Optional.empty());

        assertThat(chat.title()).isEqualTo("webhook call");
        assertThat(chat.text()).hasSize(301).endsWith("…");
    }
}
