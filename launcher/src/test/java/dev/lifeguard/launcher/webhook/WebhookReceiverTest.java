package dev.lifeguard.launcher.webhook;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The receiver on a real socket, posted to by a real HTTP client. */
class WebhookReceiverTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final WebhookReceiver receiver = new WebhookReceiver("/rollback");

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void keepsTheRequestHeadersAndTheBodyByteForByte() throws Exception {
        byte[] body = "{\"reason\":\"error_rate über 0.05 — 0.21\"}".getBytes(StandardCharsets.UTF_8);
        Instant before = Instant.now();

        HttpResponse<String> answer = post(receiver.url(), body, "r-1", "t=1764151283,v1=00ff");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(receiver.deliveries()).singleElement().satisfies(delivery -> {
            assertThat(delivery.method()).isEqualTo("POST");
            assertThat(delivery.path()).isEqualTo("/rollback");
            assertThat(delivery.rawBody()).isEqualTo(body);
            assertThat(delivery.body()).isEqualTo("{\"reason\":\"error_rate über 0.05 — 0.21\"}");
            assertThat(delivery.idempotencyKey()).isEqualTo("r-1");
            assertThat(delivery.header("Content-Type")).contains("application/cloudevents+json");
            assertThat(delivery.header("X-Lifeguard-Signature")).contains("t=1764151283,v1=00ff");
            // a header is found whatever its letter case on the wire or in the question
            assertThat(delivery.header("x-lifeguard-signature")).contains("t=1764151283,v1=00ff");
            assertThat(delivery.header("IDEMPOTENCY-KEY")).contains("r-1");
            assertThat(delivery.header("X-Not-Sent")).isEmpty();
            assertThat(delivery.repeated()).isFalse();
            assertThat(delivery.receivedAt()).isAfterOrEqualTo(before);
        });
    }

    @Test
    void theSameIdempotencyKeyAgainIsKeptAndFlaggedAsARepeat() throws Exception {
        post(receiver.url(), "{}".getBytes(StandardCharsets.UTF_8), "r-1", "t=1,v1=00");
        post(receiver.url(), "{}".getBytes(StandardCharsets.UTF_8), "r-2", "t=1,v1=00");
        post(receiver.url(), "{}".getBytes(StandardCharsets.UTF_8), "r-1", "t=2,v1=00");

        assertThat(receiver.deliveries()).extracting(WebhookReceiver.Delivery::idempotencyKey,
                        WebhookReceiver.Delivery::repeated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r-1", false),
                        org.assertj.core.groups.Tuple.tuple("r-2", false),
                        org.assertj.core.groups.Tuple.tuple("r-1", true));
        assertThat(receiver.deliveries().get(2).header("X-Lifeguard-Signature")).contains("t=2,v1=00");
    }

    @Test
    void drainGivesEachDeliveryOnceAndOnlyPostsAreKept() throws Exception {
        post(receiver.url(), "{\"n\":1}".getBytes(StandardCharsets.UTF_8), "a", "t=1,v1=00");
        assertThat(receiver.drain()).extracting(WebhookReceiver.Delivery::body).containsExactly("{\"n\":1}");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(receiver.url())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        post(receiver.url(), "{\"n\":2}".getBytes(StandardCharsets.UTF_8), "b", "t=1,v1=00");

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(receiver.drain()).extracting(WebhookReceiver.Delivery::body).containsExactly("{\"n\":2}");
        assertThat(receiver.drain()).isEmpty();
        assertThat(receiver.deliveries()).hasSize(2);
    }

    private HttpResponse<String> post(String url, byte[] body, String idempotencyKey, String signature)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/cloudevents+json")
                .header("Idempotency-Key", idempotencyKey)
                .header("X-Lifeguard-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
