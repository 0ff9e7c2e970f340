package dev.lifeguard.notify.messaging;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real HTTP server standing in for teams' Slack and webhook endpoints: every POST is answered 200 and kept. */
final class ChatChannelStub {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    ChatChannelStub start() {
        server.start();
        server.stubFor(post(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        return this;
    }

    void stop() {
        server.stop();
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    List<LoggedRequest> requests(String path) {
        return server.findAll(postRequestedFor(urlEqualTo(path)));
    }

    List<LoggedRequest> awaitRequests(String path, int count) {
        return await().atMost(WAIT).until(() -> requests(path), requests -> requests.size() >= count);
    }

    LoggedRequest awaitRequest(String path) {
        return awaitRequests(path, 1).get(0);
    }

    /** The urgency of the notification published for the team about the event; the notification keeps its contract. */
    static String publishedUrgency(KafkaTestClient kafka, String teamTopic, String eventId) {
        ConsumerRecord<String, String> record = kafka.awaitRecord(teamTopic, candidate -> candidate.value().contains(eventId));
        assertThat(EventContract.violations(record.value())).isEmpty();
        return EventContract.parse(record.value()).at("/data/subject/content/urgency").asText();
    }
}
