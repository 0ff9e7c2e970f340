package dev.lifeguard.notify.messaging;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.notify.NotifyApi.deliveries;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * rollback-service's decision events in over Kafka (lifeguard.rollbacks), out to WireMock-served Slack and webhook
 * channels: an approval request that calls people in with the commands to answer, an escalation that also reaches the
 * escalation team's subscriptions and topic, a storm guard trip as loud as a failed rollback, holds, dry runs,
 * approvals and rejections told while the decisions other events already tell are not; an approval request read after
 * its approval is for the record only; each event once however often it comes; a malformed one dead-lettered with the
 * reason while the next is still told.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class RollbackDecisionFlowTest {

    private static final Duration WAIT = ChatChannelStub.WAIT;
    private static ChatChannelStub channels;

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
    void approvalRequestCallsPeopleInOnSlackWithTheCommandsAndReachesTheWebhookAsHigh() {
        String service = unique("svc");
        String slackTeam = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(slackTeam, List.of(service), "slack", channels.url(slackPath));
        subscribe(unique("team"), List.of(service), "webhook", channels.url(hookPath));
        String eventId = UUID.randomUUID().toString();
        String request = GoldenEvents.about(GoldenEvents.APPROVAL_REQUESTED, "", service, eventId);

        kafka.send(rollbacksTopic, service + "/production", request);

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        String title = "Approve rolling back " + service + " in production from 2.0.0 to 1.0.0?";
        assertThat(slack.path("text").asText()).isEqualTo("<!here> " + title);
        assertThat(slack.at("/blocks/0/text/text").asText()).isEqualTo(":warning: " + title);
        assertThat(slack.at("/blocks/1/text/text").asText())
                .startsWith("<!here> Lifeguard waits for a person before rolling " + service + " back in production")
                .contains("Policy: environment policy production v3 (mode approval).")
                .contains("Answer by 2026-11-26 10:16:22 UTC (15m after the decision).")
                .contains("`curl -X POST http://localhost:8083/api/v1/rollbacks/rollback-0004/approve -H"
                        + " \"Authorization: Bearer $LIFEGUARD_TOKEN\" -H 'Content-Type: application/json'"
                        + " -d '{\"reason\":\"...\"}'`")
                .contains("`./lifeguard rollback reject rollback-0004 --reason \"...\"`");
        LoggedRequest hook = channels.awaitRequest(hookPath);
        assertThat(EventContract.parse(hook.getBodyAsString())).isEqualTo(EventContract.parse(request));
        assertThat(hook.getHeader("ce-type")).isEqualTo(GoldenEvents.APPROVAL_REQUESTED);
        assertThat(hook.getHeader("X-Lifeguard-Urgency")).isEqualTo("high");
        assertThat(ChatChannelStub.publishedUrgency(kafka, notificationsTopic + "." + slackTeam, eventId))
                .isEqualTo("high");
    }

    @Test
    void escalationReachesTheTargetsSubscribersAndEveryChannelOfTheEscalationTeamOnItsTopic() {
        String service = unique("svc");
        String team = unique("team");
        String escalationTeam = unique("oncall");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        String oncallSlackPath = "/services/T/B/" + UUID.randomUUID();
        String oncallHookPath = "/hooks/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        // The escalation team hears about other services: it is told anyway, once per channel.
        subscribe(escalationTeam, List.of(unique("svc")), "slack", channels.url(oncallSlackPath));
        subscribe(escalationTeam, List.of("*"), "webhook", channels.url(oncallHookPath));
        String eventId = UUID.randomUUID().toString();
        String escalated = GoldenEvents.about(GoldenEvents.ROLLBACK_ESCALATED, "", service, eventId)
                .replace("sre-leads", escalationTeam);

        kafka.send(rollbacksTopic, service + "/production", escalated);

        String title = "Escalated to " + escalationTeam + ": nobody approved rolling back " + service
                + " in production from 2.0.0 to 1.0.0";
        for (String path : List.of(slackPath, oncallSlackPath)) {
            JsonNode slack = EventContract.parse(channels.awaitRequest(path).getBodyAsString());
            assertThat(slack.path("text").asText()).isEqualTo("<!here> " + title);
            assertThat(slack.at("/blocks/0/text/text").asText()).isEqualTo(":rotating_light: " + title);
            assertThat(slack.at("/blocks/1/text/text").asText())
                    .contains("`./lifeguard rollback approve rollback-0004`").doesNotContain("Warning");
        }
        assertThat(channels.awaitRequest(oncallHookPath).getHeader("X-Lifeguard-Urgency")).isEqualTo("critical");
        List<ConsumerRecord<String, String>> onEscalationTopic = await().atMost(WAIT).until(
                () -> kafka.readAll(notificationsTopic + "." + escalationTeam).stream()
                        .filter(record -> record.value().contains(eventId)).toList(), records -> records.size() == 2);
        for (ConsumerRecord<String, String> record : onEscalationTopic) {
            assertThat(EventContract.violations(record.value())).isEmpty();
            JsonNode content = EventContract.parse(record.value()).at("/data/subject/content");
            assertThat(content.path("team").asText()).isEqualTo(escalationTeam);
            assertThat(content.path("service").asText()).isEqualTo(service);
            assertThat(content.path("urgency").asText()).isEqualTo("critical");
        }
        assertThat(ChatChannelStub.publishedUrgency(kafka, notificationsTopic + "." + team, eventId))
                .isEqualTo("critical");
        assertThat(deliveries(escalationTeam)).hasSize(2);
    }

    @Test
    void escalationToATeamNobodySubscribedWarnsTheTargetsTeam() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));
        String silentTeam = unique("nobody");

        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_ESCALATED, "", service, UUID.randomUUID().toString())
                        .replace("sre-leads", silentTeam));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.at("/blocks/1/text/text").asText()).endsWith("Warning: " + silentTeam
                + " has no notify-service subscription, so nobody there was told: call them.");
    }

    @Test
    void guardTripIsCriticalOnSlackAndOnTheWebhook() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));
        subscribe(unique("team"), List.of(service), "webhook", channels.url(hookPath));

        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.GUARD_TRIPPED, "", service, UUID.randomUUID().toString()));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.path("text").asText()).isEqualTo(
                "<!here> Storm guard tripped in production: 5 automatic rollbacks within 1h (limit 5)");
        assertThat(slack.at("/blocks/0/text/text").asText()).startsWith(":rotating_light: ");
        assertThat(channels.awaitRequest(hookPath).getHeader("X-Lifeguard-Urgency")).isEqualTo("critical");
    }

    @Test
    void holdsDryRunsApprovalsAndRejectionsAreToldAndDecisionsOtherEventsTellAreNot() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        Map<String, String> notTold = new LinkedHashMap<>();
        notTold.put(UUID.randomUUID().toString(), GoldenEvents.ROLLBACK_DECIDED); // AWAITING_APPROVAL
        Map<String, String> told = new LinkedHashMap<>();
        List<String> events = List.of(
                GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.AWAITING, service,
                        notTold.keySet().iterator().next()),
                decided(service, notTold, "ROLL_BACK", "mode-auto"),
                decided(service, notTold, "MANUAL", "manual"),
                decided(service, notTold, "SKIPPED", "mode-off"),
                decided(service, notTold, "HELD", "approval-timeout"),
                decided(service, told, "HELD", "mode-notify-only"),
                decided(service, told, "DRY_RUN", "dry-run"),
                GoldenEvents.rejected(service, put(told)),
                GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.APPROVED, service, put(told)));

        events.forEach(event -> kafka.send(rollbacksTopic, service + "/production", event));

        List<JsonNode> messages = channels.awaitRequests(slackPath, told.size()).stream()
                .map(request -> EventContract.parse(request.getBodyAsString())).toList();
        assertThat(messages).extracting(message -> message.path("text").asText()).containsExactlyInAnyOrder(
                "<!here> Rollback of " + service + " in production held: 2.0.0 keeps running until someone approves",
                "Dry run: would have rolled back " + service + " from 2.0.0 to 1.0.0 in production",
                "Rollback of " + service + " in production from 2.0.0 to 1.0.0 rejected by bob",
                "Rollback of " + service + " in production from 2.0.0 to 1.0.0 approved by alice");
        // Same key, so same partition: the last one is recorded, so every decision before it was handled.
        await().atMost(WAIT).until(() -> deliveries(team).size() == told.size());
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId"))
                .containsExactlyInAnyOrderElementsOf(told.keySet());
        assertThat(kafka.readAll(rollbacksTopic + ".dlq")).noneMatch(letter -> letter.value().contains(service));
    }

    @Test
    void rollbackRequestQuotesItsExplanation() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.url(slackPath));

        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_REQUESTED, service, UUID.randomUUID().toString()));

        JsonNode slack = EventContract.parse(channels.awaitRequest(slackPath).getBodyAsString());
        assertThat(slack.at("/blocks/1/text/text").asText()).isEqualTo("Rolling back " + service + " in production"
                + " from 2.0.0 to 1.0.0. Why (rule mode-auto): no policy for " + service + "/production: roll back"
                + " automatically (mode auto) to 1.0.0; error_rate above 0.05 for 3 consecutive samples (0.21, 0.34,"
                + " 0.4) on 2.0.0.");
    }

    @Test
    void approvalRequestReadAfterItsApprovalIsToldForTheRecordWithoutCallingPeopleIn() {
        String service = unique("svc");
        String team = unique("team");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.url(slackPath));
        String approvedId = UUID.randomUUID().toString();
        String requestId = UUID.randomUUID().toString();

        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.APPROVED, service, approvedId));
        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.APPROVAL_REQUESTED, "", service, requestId));

        List<JsonNode> messages = channels.awaitRequests(slackPath, 2).stream()
                .map(request -> EventContract.parse(request.getBodyAsString())).toList();
        assertThat(messages).extracting(message -> message.path("text").asText()).containsExactlyInAnyOrder(
                "Rollback of " + service + " in production from 2.0.0 to 1.0.0 approved by alice",
                "Approval to roll back " + service + " in production from 2.0.0 to 1.0.0 was asked; already approved"
                        + " by alice");
        assertThat(messages.toString()).doesNotContain("<!here>").doesNotContain("curl");
        assertThat(ChatChannelStub.publishedUrgency(kafka, notificationsTopic + "." + team, requestId))
                .isEqualTo("normal");
    }

    @Test
    void decisionEventDeliveredTwiceIsToldOnce() {
        String service = unique("svc");
        String team = unique("team");
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(team, List.of(service), "webhook", channels.url(hookPath));
        String eventId = UUID.randomUUID().toString();
        String request = GoldenEvents.about(GoldenEvents.APPROVAL_REQUESTED, "", service, eventId);
        String markerId = UUID.randomUUID().toString();

        kafka.send(rollbacksTopic, service + "/production", request);
        kafka.send(rollbacksTopic, service + "/production", request);
        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.GUARD_TRIPPED, "", service, markerId));

        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> markerId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId"))
                .containsExactlyInAnyOrder(eventId, markerId);
        await().atMost(WAIT).until(() -> channels.requests(hookPath).size() == 2);
        assertThat(channels.requests(hookPath)).filteredOn(posted -> eventId.equals(posted.getHeader("ce-id")))
                .hasSize(1);
    }

    @Test
    void malformedDecisionEventsAreDeadLetteredWithTheReasonAndTheNextOneIsTold() {
        String service = unique("svc");
        String team = unique("team");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        String unknownDecision = GoldenEvents.about(GoldenEvents.ROLLBACK_DECIDED, GoldenEvents.HELD, service,
                UUID.randomUUID().toString()).replace("\"decision\": \"HELD\"", "\"decision\": \"PAUSED\"");
        String withoutFromVersion = GoldenEvents.about(GoldenEvents.APPROVAL_REQUESTED, "", service,
                UUID.randomUUID().toString()).replace("\"fromVersion\": \"2.0.0\",", "");
        String goodId = UUID.randomUUID().toString();

        kafka.send(rollbacksTopic, service + "/production", unknownDecision);
        kafka.send(rollbacksTopic, service + "/production", withoutFromVersion);
        kafka.send(rollbacksTopic, service + "/production",
                GoldenEvents.about(GoldenEvents.GUARD_TRIPPED, "", service, goodId));

        ConsumerRecord<String, String> unknown = kafka.awaitRecord(rollbacksTopic + ".dlq",
                record -> unknownDecision.equals(record.value()));
        assertThat(KafkaTestClient.header(unknown, "dead-letter-reason"))
                .contains("subject.content.decision", "'PAUSED'");
        ConsumerRecord<String, String> incomplete = kafka.awaitRecord(rollbacksTopic + ".dlq",
                record -> withoutFromVersion.equals(record.value()));
        assertThat(KafkaTestClient.header(incomplete, "dead-letter-reason")).contains("subject.content.fromVersion");
        await().atMost(WAIT).until(() -> deliveries(team).stream().anyMatch(d -> goodId.equals(d.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId")).containsExactly(goodId);
    }

    /** The held example as another decision with a fresh id, which is added to {@code ids}. */
    private static String decided(String service, Map<String, String> ids, String decision, String rule) {
        String reason = "DRY_RUN".equals(decision) ? "dry run: would have rolled " + service + " 2.0.0 back to 1.0.0"
                : decision + " because " + rule;
        return GoldenEvents.decided(service, put(ids), decision, rule, reason);
    }

    private static String put(Map<String, String> ids) {
        String id = UUID.randomUUID().toString();
        ids.put(id, id);
        return id;
    }
}
