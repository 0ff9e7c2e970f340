package dev.lifeguard.notify.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.notify.RollbackOutcome;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
 * deploy-service's rollback outcomes (failed, skipped, accepted, rolled back by CI) in over Kafka, out to
 * WireMock-served Slack and webhook channels: a failed rollback as loud as each channel allows, the others for the
 * record, a request read after its outcome worded as late, and a retired target (service.removed) passed over.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackOutcomeFlowTest {

    private static final Duration WAIT = ChatChannelStub.WAIT;
    private static ChatChannelStub channels;

    @ConfigProperty(name = "lifeguard.topics.deployments")
    String deploymentsTopic;
    @ConfigProperty(name = "lifeguard.topics.rollbacks")
    String rollbacksTopic;
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
    void failedRollbackReachesSlackWithHereAndTheWebhookAsCriticalAndIsPublishedAsCritical() {
        String service = unique("svc");
        String slackTeam = unique("team");
        String hookTeam = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(slackTeam, List.of(service), "slack", channels.url(slackPath));
        subscribe(hookTeam, List.of(service), "webhook", channels.url(hookPath));
        String eventId = UUID.randomUUID().toString();
        String failed = GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, eventId);

        kafka.send(deploymentsTopic, service + "/production", failed);

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        String title = "Rollback FAILED: " + service + " still runs 2.0.0 in production \u2014 act now";
        assertThat(slack.path("text").asText()).isEqualTo("<!here> " + title);
        assertThat(slack.at("/blocks/0/text/text").asText()).isEqualTo(":rotating_light: " + title);
        assertThat(slack.at("/blocks/1/text/text").asText())
                .startsWith("<!here> Lifeguard could not roll " + service + " back from 2.0.0 to 1.0.0 in production"
                        + " (3 attempts, executor webhook): webhook https://deploy.example.com/rollback answered 503"
                        + " Service Unavailable (3 attempts over 1m10s).")
                .contains("roll back to 1.0.0 by hand or fix forward, now.")
                .endsWith("Rollback rollback-0004.");

        LoggedRequest hook = channels.awaitRequest(hookPath);
        assertThat(EventContract.parse(hook.getBodyAsString())).isEqualTo(EventContract.parse(failed));
        assertThat(hook.getHeader("ce-type")).isEqualTo(GoldenEvents.ROLLBACK_FAILED);
        assertThat(hook.getHeader("X-Lifeguard-Urgency")).isEqualTo("critical");

        for (String team : List.of(slackTeam, hookTeam)) {
            ConsumerRecord<String, String> record = kafka.awaitRecord(notificationsTopic + "." + team,
                    candidate -> candidate.value().contains(eventId));
            assertThat(EventContract.violations(record.value())).isEmpty();
            JsonNode content = EventContract.parse(record.value()).at("/data/subject/content");
            assertThat(content.path("title").asText()).isEqualTo(title);
            assertThat(content.path("urgency").asText()).isEqualTo("critical");
            assertThat(content.path("aboutEventType").asText()).isEqualTo(GoldenEvents.ROLLBACK_FAILED);
        }
    }

    @Test
    void skippedRollbackIsToldQuietlySoTheLastWordIsNotRollingBack() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String eventId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_SKIPPED, service, eventId));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText()).isEqualTo("Rollback of " + service + " in production not carried out");
        assertThat(slack.at("/blocks/1/text/text").asText())
                .startsWith("Rollback not carried out: deployment d-0002 is no longer current: 2.1.0 replaced it.");
        assertThat(slack.toString()).doesNotContain("<!here>");
        assertThat(ChatChannelStub.publishedUrgency(kafka,
                notificationsTopic + "." + team, eventId)).isEqualTo("normal");
    }

    @Test
    void manualRollbackCallsThePeopleInTheChannelToRollBackByHandAndSaysWhereToReportIt() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String eventId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_ACCEPTED, service, eventId));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText())
                .isEqualTo("<!here> Roll back " + service + " in production by hand from 2.0.0 to 1.0.0");
        assertThat(slack.at("/blocks/0/text/text").asText()).startsWith(":warning: ");
        assertThat(slack.at("/blocks/1/text/text").asText())
                .contains("roll back by hand to 1.0.0, then POST /api/v1/rollbacks/rollback-0004/complete.");
        assertThat(ChatChannelStub.publishedUrgency(kafka,
                notificationsTopic + "." + team, eventId)).isEqualTo("high");
    }

    @Test
    void rollbackAcceptedByACdToolSaysLifeguardWaitsForItsReport() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));

        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.acceptedByWebhook(service, UUID.randomUUID().toString()));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText())
                .isEqualTo("Rollback of " + service + " in production from 2.0.0 to 1.0.0 accepted by webhook");
        assertThat(slack.at("/blocks/1/text/text").asText())
                .contains("Your CD tool accepted it")
                .contains("waiting for its service.rolledback");
        assertThat(slack.toString()).doesNotContain("<!here>");
    }

    @Test
    void rollbackReportedByCiSaysSomeoneRolledBackWithTheirCdTool() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));

        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.rolledBackByCi(service, UUID.randomUUID().toString()));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText()).isEqualTo(service + " rolled back to 1.0.0 in production with a CD tool");
        assertThat(slack.at("/blocks/1/text/text").asText()).startsWith("Someone rolled " + service
                + " back from 2.0.0 to 1.0.0 in production with their CD tool, outside Lifeguard; CI reported it.");
    }

    @Test
    void requestReadAfterItsRollbackFailedIsWordedAsLateAndTheFailureStaysLoud() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String failedId = UUID.randomUUID().toString();
        String requestId = UUID.randomUUID().toString();

        // deploy-service's outcome is read before rollback-service's request (two topics, two consumers).
        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, failedId));
        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> failedId.equals(d.get("eventId"))));
        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_REQUESTED, service, requestId));

        await().atMost(WAIT).until(() -> channels.requests(slackPath).size() == 2);
        List<JsonNode> messages = channels.requests(slackPath).stream()
                .map(request -> EventContract.parse(request.getBodyAsString())).toList();
        assertThat(messages).extracting(message -> message.path("text").asText()).containsExactlyInAnyOrder(
                "<!here> Rollback FAILED: " + service + " still runs 2.0.0 in production \u2014 act now",
                "Rollback of " + service + " in production from 2.0.0 to 1.0.0 was requested; it has already failed, "
                        + service + " still runs 2.0.0");
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId"))
                .containsExactlyInAnyOrder(failedId, requestId);
    }

    @Test
    void requestOfAnotherTargetWithTheSameRollbackIdIsNotTakenForLate() {
        String failedService = unique("svc");
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));
        String failedId = UUID.randomUUID().toString();
        kafka.send(deploymentsTopic, failedService + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, failedService, failedId));
        // The failed event names no subscribed service: wait until its outcome is recorded, then send the request.
        awaitOutcomeRecorded(failedService);

        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_REQUESTED, service, UUID.randomUUID().toString()));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText()).isEqualTo("Rolling back " + service + " in production from 2.0.0 to 1.0.0");
    }

    @Test
    void retiredTargetIsPassedOverNeitherNotifiedNorDeadLettered() {
        String service = unique("svc");
        String team = unique("team");
        subscribe(team, List.of(service), "webhook", channels.url("/hooks/" + UUID.randomUUID()));
        String removedId = UUID.randomUUID().toString();
        String markerId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production", GoldenEvents.serviceRemoved(service, removedId));
        kafka.send(deploymentsTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_SKIPPED, service, markerId));

        // Same key, so same partition: once the marker is recorded, service.removed was handled before it.
        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> markerId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId")).containsExactly(markerId);
        assertThat(kafka.readAll(deploymentsTopic + ".dlq")).noneMatch(letter -> letter.value().contains(removedId));
    }


    /** A failed rollback of a service no one subscribed to leaves only its outcome behind. */
    private void awaitOutcomeRecorded(String service) {
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() ->
                RollbackOutcome.count("service", service) == 1));
    }

}
