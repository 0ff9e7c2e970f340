package dev.lifeguard.reliability.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.webhook.WebhookReceiver;
import dev.lifeguard.reliability.client.Json;

import java.time.Instant;
import java.util.List;

/**
 * The team's chat webhook as the verifier reads it: every POST the launcher's {@link WebhookReceiver} kept, with
 * the CloudEvent its body carries, so that a message delivered twice (two idempotency keys for one event) can be
 * told from an HTTP re-send of one delivery (the same key again).
 */
public final class WebhookRecorder implements AutoCloseable {

    /** One POST as received: where, with which idempotency key, about which event (the body's CloudEvent). */
    public record Post(String path, String idempotencyKey, String eventId, String eventType, String subject,
                       Instant receivedAt) {

        static Post of(WebhookReceiver.Delivery delivery) {
            JsonNode event = Json.read(delivery.body());
            return new Post(delivery.path(), delivery.idempotencyKey(), event.path("id").asText(""),
                    event.path("type").asText(""), event.path("subject").asText(""), delivery.receivedAt());
        }
    }

    private final WebhookReceiver receiver;

    public WebhookRecorder(String path) {
        this.receiver = new WebhookReceiver(path);
    }

    public String url() {
        return receiver.url();
    }

    public List<Post> posts() {
        return receiver.deliveries().stream().map(Post::of).toList();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
