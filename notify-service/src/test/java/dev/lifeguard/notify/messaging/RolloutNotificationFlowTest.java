package dev.lifeguard.notify.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.notify.NotifyApi.deliveries;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deploy-service's rollout events in over Kafka (lifeguard.deployments), out to WireMock-served Slack and webhook
 * channels: the gate, each step, a pause that calls people in, the promotion, an abort as loud as a failed rollback;
 * step verdicts on lifeguard.analyses worded as steps, their passes not told; each event once however often it comes;
 * an unreadable one dead-lettered with the reason while the next is still told.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RolloutNotificationFlowTest {

    private static final Duration WAIT = ChatChannelStub.WAIT;
    private static ChatChannelStub channels;

    @ConfigProperty(name = "lifeguard.topics.deployments")
    String deploymentsTopic;
    @ConfigProperty(name = "lifeguard.topics.analyses")
    String analysesTopic;
    @ConfigProperty(name = "lifeguard.topics.notifications")
    String notificationsTopic;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @BeforeAll
    static void startChannels() {
        channels = new ChatChannelStub().start();
    }

    @AfterAll
    static void stopChannels() {
        channels.stop();
    }

    @Test
    void gatedFixIsReleasedRolledOutStepByStepAndPromotedAndTheTeamHearsEachStepInOrder() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String key = service + "/production";
        List<String> rollout = List.of(
                GoldenEvents.about(GoldenEvents.ROLLOUT_GATED, service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLOUT_RELEASED, service, UUID.randomUUID().toString()),
                setWeight(service, UUID.randomUUID().toString(), 0, 10),
                GoldenEvents.about(GoldenEvents.ROLLOUT_STEP_STARTED, service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLOUT_PAUSED, service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLOUT_PROMOTED, service, UUID.randomUUID().toString()));

        rollout.forEach(event -> kafka.send(deploymentsTopic, key, event));

        // One partition per key, one delivery worker: sent in order, recorded in order.
        List<JsonNode> messages = channels.awaitRequests(slackPath, rollout.size()).stream()
                .map(request -> EventContract.parse(request.getBodyAsString())).toList();
        assertThat(messages).extracting(message -> message.path("text").asText()).containsExactlyInAnyOrder(
                service + " 2.0.1 held at the redeploy gate in production: test evidence needed",
                service + " 2.0.1 released from the redeploy gate in production on test evidence",
                service + " 2.0.1 canary at 10% of traffic in production",
                service + " 2.0.1 canary at 10%: analysing for 5m against 1.0.0 in production",
                "<!here> " + service + " 2.0.1 canary paused at 10% by analysis in production",
                service + " 2.0.1 takes all traffic in production");
        assertThat(messages.stream().filter(message -> message.path("text").asText().contains("held at the redeploy gate"))
                .findFirst().orElseThrow().at("/blocks/1/text/text").asText())
                .contains("POST /api/v1/deployments/d-0003/override");
        for (String event : rollout) {
            String eventId = EventContract.parse(event).path("id").asText();
            ConsumerRecord<String, String> published = kafka.awaitRecord(notificationsTopic + "." + team,
                    candidate -> candidate.value().contains(eventId));
            assertThat(EventContract.violations(published.value())).isEmpty();
            assertThat(EventContract.parse(published.value()).path("chainid").asText())
                    .isEqualTo("5a1b2c3d-0003-4e5f-8a9b-000000000003");
        }
        assertThat(ChatChannelStub.publishedUrgency(kafka, notificationsTopic + "." + team,
                EventContract.parse(rollout.get(4)).path("id").asText())).isEqualTo("high");
        assertThat(ChatChannelStub.publishedUrgency(kafka, notificationsTopic + "." + team,
                EventContract.parse(rollout.get(5)).path("id").asText())).isEqualTo("normal");
    }

    @Test
    void abortedRolloutIsCriticalOnSlackAndOnTheWebhook() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));
        subscribe(unique("team"), List.of(service), "webhook", channels.url(hookPath));
        String aborted = GoldenEvents.about(GoldenEvents.ROLLOUT_ABORTED, service, UUID.randomUUID().toString());

        kafka.send(deploymentsTopic, service + "/production", aborted);

        JsonNode slack = EventContract.parse(channels.awaitRequests(slackPath, 1).get(0).getBodyAsString());
        String title = "Rollout of " + service + " 2.0.1 ABORTED in production: all traffic back to 1.0.0";
        assertThat(slack.path("text").asText()).isEqualTo("<!here> " + title);
        assertThat(slack.at("/blocks/0/text/text").asText()).isEqualTo(":rotating_light: " + title);
        assertThat(slack.at("/blocks/1/text/text").asText())
                .contains("all traffic goes back to 1.0.0 (rollback abort-d-0003).");
        LoggedRequest hook = channels.awaitRequests(hookPath, 1).get(0);
        assertThat(EventContract.parse(hook.getBodyAsString())).isEqualTo(EventContract.parse(aborted));
        assertThat(hook.getHeader("X-Lifeguard-Urgency")).isEqualTo("critical");
    }

    @Test
    void stepVerdictsAreToldAsStepsAndAPassingOneIsNotToldAtAll() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String passedId = UUID.randomUUID().toString();
        String failedId = UUID.randomUUID().toString();

        kafka.send(analysesTopic, service + "/production", GoldenEvents.stepAnalysis(service, passedId, 1, "passed"));
        kafka.send(analysesTopic, service + "/production", GoldenEvents.stepAnalysis(service, failedId, 3, "failed"));

        JsonNode slack = EventContract.parse(channels.awaitRequests(slackPath, 1).get(0).getBodyAsString());
        assertThat(slack.path("text").asText())
                .isEqualTo("Rollout step 4 analysis failed for " + service + " 2.0.1 in production: error_rate");
        // Same key, so same partition: the failed verdict is recorded, so the passing one before it was handled.
        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> failedId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId")).containsExactly(failedId);
        assertThat(kafka.readAll(analysesTopic + ".dlq")).noneMatch(letter -> letter.value().contains(passedId));
    }

    @Test
    void rolloutEventDeliveredTwiceIsToldOnce() {
        String service = unique("svc");
        String team = unique("team");
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(team, List.of(service), "webhook", channels.url(hookPath));
        String eventId = UUID.randomUUID().toString();
        String paused = GoldenEvents.about(GoldenEvents.ROLLOUT_PAUSED, service, eventId);
        String markerId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production", paused);
        kafka.send(deploymentsTopic, service + "/production", paused);
        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLOUT_PROMOTED, service, markerId));

        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> markerId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId"))
                .containsExactlyInAnyOrder(eventId, markerId);
        await().atMost(WAIT).until(() -> channels.requests(hookPath).size() == 2);
        assertThat(channels.requests(hookPath))
                .filteredOn(request -> request.getBodyAsString().contains(eventId)).hasSize(1);
    }

    @Test
    void rolloutEventWithoutItsVersionIsDeadLetteredWithTheReasonAndTheNextOneIsTold() {
        String service = unique("svc");
        String team = unique("team");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        String badId = UUID.randomUUID().toString();
        String withoutVersion = GoldenEvents.about(GoldenEvents.ROLLOUT_ABORTED, service, badId)
                .replace("\"version\": \"2.0.1\",", "");
        String goodId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production", withoutVersion);
        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLOUT_ABORTED, service, goodId));

        ConsumerRecord<String, String> letter = kafka.awaitRecord(deploymentsTopic + ".dlq",
                record -> withoutVersion.equals(record.value()));
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("subject.content.version");
        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> goodId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).noneMatch(delivery -> badId.equals(delivery.get("eventId")));
    }

    /** The step-started example as its first step: set-weight {@code weight}, no analysis. */
    private static String setWeight(String service, String eventId, int stepIndex, int weight) {
        return GoldenEvents.about(GoldenEvents.ROLLOUT_STEP_STARTED, service, eventId)
                .replace("\"kind\": \"pause\",\n          \"duration\": \"PT5M\"",
                        "\"kind\": \"set-weight\", \"weight\": " + weight)
                .replace("\"stepIndex\": 1", "\"stepIndex\": " + stepIndex)
                .replace("\"weight\": 10,", "\"weight\": " + weight + ",")
                .replaceAll("(?s)\"analysis\": \\{.*?\\}", "\"analysis\": null");
    }


}
