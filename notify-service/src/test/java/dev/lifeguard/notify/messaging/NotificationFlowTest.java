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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.notify.NotifyApi.deliveries;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static dev.lifeguard.notify.NotifyApi.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events in over Kafka; Block Kit and CloudEvents out to WireMock-served channels; notifications published. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class NotificationFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static WireMockServer channels;

    @ConfigProperty(name = "lifeguard.topics.deployments")
    String deploymentsTopic;
    @ConfigProperty(name = "lifeguard.topics.anomalies")
    String anomaliesTopic;
    @ConfigProperty(name = "lifeguard.topics.rollbacks")
    String rollbacksTopic;
    @ConfigProperty(name = "lifeguard.topics.analyses")
    String analysesTopic;
    @ConfigProperty(name = "lifeguard.topics.notifications")
    String notificationsTopic;
    @ConfigProperty(name = "lifeguard.topics.audit")
    String auditTopic;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @BeforeAll
    static void startChannels() {
        channels = new WireMockServer(options().dynamicPort());
        channels.start();
        channels.stubFor(post(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterAll
    static void stopChannels() {
        channels.stop();
    }

    @Test
    void deploymentReachesSlackAsBlockKitAndIsPublishedForTheTeamAndForAll() {
        String team = unique("team");
        String service = unique("svc");
        String slackPath = "/services/T1/B1/" + UUID.randomUUID();
        subscribe(team, List.of(service), "slack", channels.baseUrl() + slackPath);
        String eventId = UUID.randomUUID().toString();

        kafka.send(deploymentsTopic, service + "/production", GoldenEvents.about(GoldenEvents.UPGRADED, service, eventId));

        LoggedRequest request = awaitRequest(slackPath);
        JsonNode message = EventContract.parse(request.getBodyAsString());
        assertThat(message.path("text").asText()).isEqualTo(service + " 2.0.0 deployed to production");
        assertThat(message.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(message.at("/blocks/0/text/text").asText()).isEqualTo(service + " 2.0.0 deployed to production");
        assertThat(message.at("/blocks/1/type").asText()).isEqualTo("section");
        assertThat(message.at("/blocks/1/text/text").asText())
                .isEqualTo(service + " 2.0.0 is now running in production, replacing 1.0.0 (commit e4f5a6b).");
        assertThat(message.at("/blocks/2/type").asText()).isEqualTo("context");
        assertThat(message.at("/blocks/2/elements").toString()).contains(eventId);
        assertThat(request.contentTypeHeader().firstValue()).startsWith("application/json");

        Map<String, Object> delivery = awaitDelivery(team, "DELIVERED");
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(delivery.get("id"));
        assertThat(delivery).containsEntry("eventId", eventId)
                .containsEntry("eventType", GoldenEvents.UPGRADED)
                .containsEntry("channelType", "slack")
                .containsEntry("attempts", 1);
        assertThat(delivery.get("deliveredAt")).isNotNull();

        String deliveryId = (String) delivery.get("id");
        // the delivery is an automatic action of the service: audited, without the channel URL's secret
        ConsumerRecord<String, String> audited = kafka.awaitRecord(auditTopic,
                candidate -> candidate.value().contains(deliveryId));
        assertThat(EventContract.violations(audited.value())).isEmpty();
        JsonNode entry = EventContract.parse(audited.value()).at("/data/subject/content");
        assertThat(entry.path("actor").asText()).isEqualTo("service:notify-service");
        assertThat(entry.path("action").asText()).isEqualTo("notification.delivered");
        assertThat(entry.path("target").asText()).isEqualTo("subscription/" + delivery.get("subscriptionId"));
        assertThat(audited.value()).doesNotContain(slackPath);
        for (String topic : List.of(notificationsTopic + "." + team, notificationsTopic)) {
            ConsumerRecord<String, String> record = kafka.awaitRecord(topic,
                    candidate -> candidate.value().contains(deliveryId));
            assertThat(EventContract.violations(record.value())).isEmpty();
            assertThat(record.key()).isEqualTo(service + "/production");
            JsonNode published = EventContract.parse(record.value());
            assertThat(published.path("type").asText()).isEqualTo("dev.cdeventsx.lifeguard-notification.published.0.1.0");
            assertThat(published.path("subject").asText()).isEqualTo(service + "/production");
            assertThat(published.path("chainid").asText()).isEqualTo("0f5e3c1a-7b9d-4e2f-8a6c-1d2e3f4a5b6c");
            assertThat(published.at("/data/subject/id").asText()).isEqualTo(deliveryId);
            assertThat(published.at("/data/context/links/0/linkKind").asText()).isEqualTo("TRIGGER");
            assertThat(published.at("/data/context/links/0/target/contextId").asText()).isEqualTo(eventId);
            JsonNode content = published.at("/data/subject/content");
            assertThat(content.path("team").asText()).isEqualTo(team);
            assertThat(content.path("channelType").asText()).isEqualTo("slack");
            assertThat(content.path("aboutEventId").asText()).isEqualTo(eventId);
            assertThat(content.path("title").asText()).isEqualTo(service + " 2.0.0 deployed to production");
            assertThat(content.path("message")).isEqualTo(message);
        }
    }

    @Test
    void rollbackReachesTheWebhookAsTheCloudEventItself() {
        String team = unique("team");
        String service = unique("svc");
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(team, List.of(service), "webhook", channels.baseUrl() + hookPath);
        String eventId = UUID.randomUUID().toString();
        String event = GoldenEvents.about(GoldenEvents.ROLLEDBACK, service, eventId);

        kafka.send(deploymentsTopic, service + "/production", event);

        LoggedRequest request = awaitRequest(hookPath);
        assertThat(EventContract.parse(request.getBodyAsString())).isEqualTo(EventContract.parse(event));
        assertThat(request.getHeader("ce-id")).isEqualTo(eventId);
        assertThat(request.getHeader("ce-type")).isEqualTo(GoldenEvents.ROLLEDBACK);
        assertThat(request.getHeader("Idempotency-Key")).isNotBlank();

        ConsumerRecord<String, String> record = kafka.awaitRecord(notificationsTopic + "." + team,
                candidate -> candidate.value().contains(eventId));
        assertThat(EventContract.violations(record.value())).isEmpty();
        JsonNode content = EventContract.parse(record.value()).at("/data/subject/content");
        assertThat(content.path("title").asText()).isEqualTo(service + " rolled back to 1.0.0 in production");
        assertThat(content.path("channelType").asText()).isEqualTo("webhook");
        assertThat(content.path("message")).isEqualTo(EventContract.parse(event));
    }

    @Test
    void anomalyFromItsTopicIsAnnounced() {
        String service = unique("svc");
        JsonNode message = slackMessageAbout(anomaliesTopic, GoldenEvents.ANOMALY, service);
        assertThat(message.path("text").asText())
                .isEqualTo("Anomaly on " + service + " 2.0.0 in production: error_rate above 0.05 (0.21, 0.34, 0.40)");
    }

    @Test
    void rollbackRequestFromItsTopicIsAnnounced() {
        String service = unique("svc");
        JsonNode message = slackMessageAbout(rollbacksTopic, GoldenEvents.ROLLBACK_REQUESTED, service);
        assertThat(message.path("text").asText())
                .isEqualTo("Rolling back " + service + " in production from 2.0.0 to 1.0.0");
        assertThat(message.at("/blocks/1/text/text").asText()).contains("error_rate above 0.05");
    }

    @Test
    void failedAnalysisReachesTheTeamWithItsDecidingMetric() {
        String service = unique("svc");
        JsonNode message = slackMessageAbout(analysesTopic, GoldenEvents.ANALYSIS, service);

        assertThat(message.path("text").asText())
                .isEqualTo("Analysis failed for " + service + " 2.0.0 in production: error_rate");
        assertThat(message.at("/blocks/1/text/text").asText()).isEqualTo("error_rate above 0.05 for 3 consecutive samples"
                + " on " + service + " 2.0.0 in production. Deciding metric: error_rate failed (threshold, statistic 0.40,"
                + " evidence 0.21, 0.34, 0.40). Last good version: 1.0.0.");
    }

    @Test
    void inconclusiveAnalysisReachesTheTeamAndSaysTheVersionIsUnverified() {
        String service = unique("svc");
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.baseUrl() + slackPath);

        kafka.send(analysesTopic, service + "/production",
                GoldenEvents.inconclusiveAnalysis(service, UUID.randomUUID().toString()));

        JsonNode message = EventContract.parse(awaitRequest(slackPath).getBodyAsString());
        assertThat(message.path("text").asText())
                .isEqualTo("Analysis inconclusive for " + service + " 2.0.0 in production: latency_p99");
        assertThat(message.at("/blocks/1/text/text").asText())
                .contains("latency_p99 inconclusive (canary): 2 intervals so far, the canary detector needs 3")
                .endsWith(service + " 2.0.0 runs unverified in production: check its metrics before relying on it.");
    }

    @Test
    void sameVerdictTwiceIsNotifiedOnce() {
        String team = unique("team");
        String service = unique("svc");
        String hookPath = "/hooks/" + UUID.randomUUID();
        subscribe(team, List.of(service), "webhook", channels.baseUrl() + hookPath);
        String verdictId = UUID.randomUUID().toString();
        String verdict = GoldenEvents.about(GoldenEvents.ANALYSIS, service, verdictId);
        String markerId = UUID.randomUUID().toString();

        kafka.send(analysesTopic, service + "/production", verdict);
        kafka.send(analysesTopic, service + "/production", verdict);
        kafka.send(analysesTopic, service + "/production", GoldenEvents.passedAnalysis(service, markerId));

        // The marker comes after both copies on the same partition: once it is recorded, so are they.
        await().atMost(WAIT).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> markerId.equals(delivery.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId"))
                .containsExactlyInAnyOrder(verdictId, markerId);
        await().atMost(WAIT).until(() -> channels.findAll(postRequestedFor(urlEqualTo(hookPath))).size() == 2);
        assertThat(channels.findAll(postRequestedFor(urlEqualTo(hookPath)))).extracting(request -> request.getHeader("ce-id"))
                .containsExactlyInAnyOrder(verdictId, markerId);
    }

    @Test
    void verdictOfAnAbortedTransactionIsNeverNotified() throws Exception {
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", channels.baseUrl() + "/hooks/" + UUID.randomUUID());
        String abortedId = UUID.randomUUID().toString();
        String committedId = UUID.randomUUID().toString();

        // monitor-service writes verdicts in transactions; one that aborted is in the log but must stay unread.
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(analysesTopic, service + "/production",
                    GoldenEvents.about(GoldenEvents.ANALYSIS, service, abortedId))).get(30, TimeUnit.SECONDS);
            producer.abortTransaction();
        }
        kafka.send(analysesTopic, service + "/production", GoldenEvents.about(GoldenEvents.ANALYSIS, service, committedId));

        // Same key, so same partition: once the committed verdict is recorded, the aborted one was passed over.
        await().atMost(WAIT).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> committedId.equals(delivery.get("eventId"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventId")).containsExactly(committedId);
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-aborting-" + UUID.randomUUID());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(properties);
    }

    /** Subscribes a new team's Slack channel to the service, sends the golden event, returns what Slack got. */
    private JsonNode slackMessageAbout(String topic, String goldenType, String service) {
        String slackPath = "/services/T/B/" + UUID.randomUUID();
        subscribe(unique("team"), List.of(service), "slack", channels.baseUrl() + slackPath);
        kafka.send(topic, service + "/production", GoldenEvents.about(goldenType, service, UUID.randomUUID().toString()));
        return EventContract.parse(awaitRequest(slackPath).getBodyAsString());
    }

    @Test
    void sameEventTwiceIsNotifiedOnce() {
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", channels.baseUrl() + "/hooks/" + UUID.randomUUID());
        String repeated = GoldenEvents.about(GoldenEvents.UPGRADED, service, UUID.randomUUID().toString());
        String marker = GoldenEvents.about(GoldenEvents.ROLLEDBACK, service, UUID.randomUUID().toString());

        kafka.send(deploymentsTopic, service + "/production", repeated);
        kafka.send(deploymentsTopic, service + "/production", repeated);
        kafka.send(deploymentsTopic, service + "/production", marker);

        // The marker comes after both copies on the same partition: once it is recorded, so are they.
        await().atMost(WAIT).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> GoldenEvents.ROLLEDBACK.equals(delivery.get("eventType"))));
        assertThat(deliveries(team)).extracting(delivery -> delivery.get("eventType"))
                .containsExactlyInAnyOrder(GoldenEvents.ROLLEDBACK, GoldenEvents.UPGRADED);
    }

    @Test
    void onlyMatchingSubscriptionsAreNotifiedAndTheWildcardMatchesAll() {
        String service = unique("svc");
        String otherService = unique("svc");
        String matchingTeam = unique("team");
        String otherTeam = unique("team");
        String everythingTeam = unique("team");
        subscribe(matchingTeam, List.of(otherService, service), "webhook", channels.baseUrl() + "/hooks/a");
        subscribe(otherTeam, List.of(otherService), "webhook", channels.baseUrl() + "/hooks/b");
        String wildcard = subscribe(everythingTeam, List.of("*"), "webhook", channels.baseUrl() + "/hooks/c");
        try {
            String eventId = UUID.randomUUID().toString();
            kafka.send(deploymentsTopic, service + "/production", GoldenEvents.about(GoldenEvents.DEPLOYED, service, eventId));

            await().atMost(WAIT).until(() -> deliveries(matchingTeam).size() == 1
                    && deliveries(everythingTeam).stream().anyMatch(delivery -> eventId.equals(delivery.get("eventId"))));
            assertThat(deliveries(matchingTeam).get(0)).containsEntry("eventId", eventId);
            assertThat(deliveries(otherTeam)).isEmpty();
        } finally {
            unsubscribe(wildcard);
        }
    }

    private static LoggedRequest awaitRequest(String path) {
        return await().atMost(WAIT).until(
                () -> channels.findAll(postRequestedFor(urlEqualTo(path))),
                requests -> requests.size() == 1).get(0);
    }

    private static Map<String, Object> awaitDelivery(String team, String status) {
        return await().atMost(WAIT).until(() -> deliveries(team),
                list -> list.size() == 1 && status.equals(list.get(0).get("status"))).get(0);
    }
}
