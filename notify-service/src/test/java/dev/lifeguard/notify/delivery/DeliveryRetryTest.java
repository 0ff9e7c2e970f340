package dev.lifeguard.notify.delivery;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.DeliveryStatus;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.notify.NotifyApi.deliveries;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channels that fail: a fresh WireMock per test, so each test has its own host and circuit breaker.
 * %test allows 3 attempts with backoff from 0.2 s.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeliveryRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SECRET = "SECRET" + UUID.randomUUID().toString().substring(0, 8);

    @ConfigProperty(name = "lifeguard.topics.deployments")
    String deploymentsTopic;
    @ConfigProperty(name = "lifeguard.notify.delivery.max-attempts")
    int maxAttempts;

    @Inject
    DeliveryRepository deliveryRepository;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();
    private WireMockServer channel;

    @BeforeEach
    void startChannel() {
        channel = new WireMockServer(options().dynamicPort());
        channel.start();
    }

    @AfterEach
    void stopChannel() {
        if (channel.isRunning()) {
            channel.stop();
        }
    }

    @Test
    void retryAfterIsHonouredThenTheMessageIsDelivered() {
        String path = "/services/T9/B9/" + SECRET;
        channel.stubFor(post(urlEqualTo(path)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1").withBody("busy"))
                .willSetStateTo("recovered"));
        channel.stubFor(post(urlEqualTo(path)).inScenario("busy").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        String team = notifyAbout(path);

        Map<String, Object> delivery = await().atMost(WAIT).until(() -> deliveries(team).get(0),
                found -> "DELIVERED".equals(found.get("status")));

        assertThat(delivery).containsEntry("attempts", 2);
        List<LoggedRequest> requests = channel.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(requests).hasSize(2);
        assertThat(requests).extracting(request -> request.getHeader("Idempotency-Key"))
                .containsOnly((String) delivery.get("id"));
        assertThat(Duration.between(requests.get(0).getLoggedDate().toInstant(), requests.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void serverErrorsAreRetriedUntilTheLastAttemptThenFailedWithoutLeakingTheUrl() {
        String path = "/services/T8/B8/" + SECRET;
        channel.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(500).withBody("internal error")));
        String team = notifyAbout(path);

        Map<String, Object> delivery = await().atMost(WAIT).until(() -> deliveries(team).get(0),
                found -> "FAILED".equals(found.get("status")));

        assertThat(delivery).containsEntry("attempts", maxAttempts);
        assertThat((String) delivery.get("lastError")).contains("HTTP 500").contains("gave up after " + maxAttempts)
                .doesNotContain(SECRET);
        assertThat(delivery.get("deliveredAt")).isNull();
        assertThat(channel.findAll(postRequestedFor(urlEqualTo(path)))).hasSize(maxAttempts);
    }

    @Test
    void permanentClientErrorFailsAtOnce() {
        String path = "/services/T7/B7/" + SECRET;
        channel.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(404).withBody("no_service")));
        String team = notifyAbout(path);

        Map<String, Object> delivery = await().atMost(WAIT).until(() -> deliveries(team).get(0),
                found -> "FAILED".equals(found.get("status")));

        assertThat(delivery).containsEntry("attempts", 1);
        assertThat((String) delivery.get("lastError")).isEqualTo("HTTP 404: no_service (not retried)");
    }

    @Test
    void unreachableChannelIsRetriedAsNoResponse() {
        String team = unique("team");
        String service = unique("svc");
        int port = channel.port();
        channel.stop(); // nothing listens on the port any more
        subscribe(team, List.of(service), "slack", "http://localhost:" + port + "/services/T6/B6/" + SECRET);

        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.DEPLOYED, service, UUID.randomUUID().toString()));

        Map<String, Object> delivery = await().atMost(WAIT).until(() -> deliveries(team),
                found -> !found.isEmpty() && "FAILED".equals(found.get(0).get("status"))).get(0);
        assertThat(delivery).containsEntry("attempts", maxAttempts);
        assertThat((String) delivery.get("lastError")).isNotBlank().doesNotContain(SECRET);
    }

    @Test
    void deliveryLeftBehindByACrashedWorkerIsSentWhenItsLeaseEnds() {
        String path = "/hooks/" + SECRET;
        channel.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String team = unique("team");
        String subscriptionId = subscribe(team, List.of(unique("svc")), "webhook", channel.baseUrl() + path);
        String body = "{\"left\":\"behind\"}";
        // As a worker leaves it when it dies mid-attempt: one attempt counted, lease already over.
        QuarkusTransaction.requiringNew().run(() -> {
            Delivery delivery = new Delivery();
            delivery.id = UUID.randomUUID().toString();
            delivery.subscriptionId = subscriptionId;
            delivery.team = team;
            delivery.service = "checkout";
            delivery.environment = "production";
            delivery.channelType = "webhook";
            delivery.eventId = UUID.randomUUID().toString();
            delivery.eventType = GoldenEvents.DEPLOYED;
            delivery.body = body;
            delivery.status = DeliveryStatus.PENDING;
            delivery.attempts = 1;
            delivery.createdAt = OffsetDateTime.now().minusMinutes(1);
            delivery.nextAttemptAt = OffsetDateTime.now().minusSeconds(1);
            deliveryRepository.persist(delivery);
        });

        Map<String, Object> delivery = await().atMost(WAIT).until(() -> deliveries(team).get(0),
                found -> "DELIVERED".equals(found.get("status")));

        assertThat(delivery).containsEntry("attempts", 2);
        assertThat(channel.findAll(postRequestedFor(urlEqualTo(path)))).singleElement()
                .satisfies(request -> assertThat(request.getBodyAsString()).isEqualTo(body));
    }

    /** A Slack subscription to {@code path} on this test's channel, and an event it matches; returns the team. */
    private String notifyAbout(String path) {
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "slack", channel.baseUrl() + path);
        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.DEPLOYED, service, UUID.randomUUID().toString()));
        await().atMost(WAIT).until(() -> !deliveries(team).isEmpty());
        return team;
    }
}
