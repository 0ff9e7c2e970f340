package dev.lifeguard.notify.channel.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookChannelTest {

    private final WebhookChannel webhook = new WebhookChannel(new ObjectMapper());

    @Test
    void sendsTheEventItselfAsAStructuredCloudEvent() {
        CloudEvent about = GoldenEvents.cloudEvent(GoldenEvents.ROLLEDBACK);

        JsonNode body = webhook.render(new NotificationContent("checkout", "production", "title", "text", List.of(),
                about, about.chainId()));

        assertThat(body).isEqualTo(EventContract.parse(GoldenEvents.json(GoldenEvents.ROLLEDBACK)));
        assertThat(EventContract.violations(body.toString())).isEmpty();
    }

    @Test
    void namesTheEventAndItsUrgencyInHeaders() {
        assertThat(webhook.headers("e-1", "dev.cdevents.service.rolledback.0.3.0", Urgency.NORMAL))
                .containsEntry("ce-id", "e-1")
                .containsEntry("ce-type", "dev.cdevents.service.rolledback.0.3.0")
                .containsEntry("X-Lifeguard-Urgency", "normal");
        assertThat(webhook.headers("e-2", "dev.cdeventsx.lifeguard-rollback.failed.0.1.0", Urgency.CRITICAL))
                .containsEntry("X-Lifeguard-Urgency", "critical");
    }
}
