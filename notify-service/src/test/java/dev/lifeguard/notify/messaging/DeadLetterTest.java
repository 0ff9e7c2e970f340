package dev.lifeguard.notify.messaging;

import dev.lifeguard.notify.GoldenEvents;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.lifeguard.notify.NotifyApi.deliveries;
import static dev.lifeguard.notify.NotifyApi.subscribe;
import static dev.lifeguard.notify.NotifyApi.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Poison records go to {@code <topic>.dlq} with the reason, and the record after them is still handled. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeadLetterTest {

    @Inject
    Config config;

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            lifeguard.topics.deployments | dev.cdevents.service.upgraded.0.3.0
            lifeguard.topics.anomalies   | dev.cdevents.incident.detected.0.3.0
            lifeguard.topics.rollbacks   | dev.cdeventsx.lifeguard-rollback.requested.0.1.0
            lifeguard.topics.analyses    | dev.cdeventsx.lifeguard-analysis.finished.0.1.0
            lifeguard.topics.rollbacks   | dev.cdeventsx.lifeguard-rollback.decided.0.1.0
            lifeguard.topics.rollbacks   | dev.cdeventsx.lifeguard-rollback.approval-requested.0.1.0
            lifeguard.topics.rollbacks   | dev.cdeventsx.lifeguard-rollback.escalated.0.1.0
            lifeguard.topics.rollbacks   | dev.cdeventsx.lifeguard-rollback.guard-tripped.0.1.0
            """)
    void malformedRecordIsDeadLetteredAndTheNextOneIsNotified(String topicProperty, String goodType) {
        String topic = config.getValue(topicProperty, String.class);
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        String notJson = "not json " + UUID.randomUUID();
        String noTarget = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ci\","
                + "\"type\":\"" + goodType + "\",\"data\":{\"context\":{},\"subject\":{\"content\":{}}}}";
        String goodId = UUID.randomUUID().toString();

        kafka.send(topic, service + "/production", notJson);
        kafka.send(topic, service + "/production", noTarget);
        kafka.send(topic, service + "/production", GoldenEvents.about(goodType, service, goodId));

        ConsumerRecord<String, String> notJsonLetter = kafka.awaitRecord(topic + ".dlq",
                record -> notJson.equals(record.value()));
        assertThat(KafkaTestClient.header(notJsonLetter, "dead-letter-reason")).contains("not JSON");
        ConsumerRecord<String, String> noTargetLetter = kafka.awaitRecord(topic + ".dlq",
                record -> noTarget.equals(record.value()));
        assertThat(KafkaTestClient.header(noTargetLetter, "dead-letter-reason")).contains("cannot tell the service");

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> goodId.equals(delivery.get("eventId"))));
    }

    @Test
    void verdictWithAnUnknownOutcomeIsDeadLetteredWithTheReasonAndTheNextOneIsNotified() {
        String topic = config.getValue("lifeguard.topics.analyses", String.class);
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        String badId = UUID.randomUUID().toString();
        String unknownOutcome = GoldenEvents.about(GoldenEvents.ANALYSIS, service, badId)
                .replace("\"outcome\": \"failed\"", "\"outcome\": \"maybe\"");
        String goodId = UUID.randomUUID().toString();

        kafka.send(topic, service + "/production", unknownOutcome);
        kafka.send(topic, service + "/production", GoldenEvents.about(GoldenEvents.ANALYSIS, service, goodId));

        ConsumerRecord<String, String> letter = kafka.awaitRecord(topic + ".dlq",
                record -> unknownOutcome.equals(record.value()));
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason"))
                .contains("subject.content.outcome", "'maybe'");
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> goodId.equals(delivery.get("eventId"))));
        assertThat(deliveries(team)).noneMatch(delivery -> badId.equals(delivery.get("eventId")));
    }

    @Test
    void failedRollbackThatDoesNotSayWhatStillRunsIsDeadLetteredAndTheNextOneIsNotified() {
        String topic = config.getValue("lifeguard.topics.deployments", String.class);
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        String badId = UUID.randomUUID().toString();
        String withoutFromVersion = GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, badId)
                .replace("\"fromVersion\": \"2.0.0\",", "");
        String goodId = UUID.randomUUID().toString();

        kafka.send(topic, service + "/production", withoutFromVersion);
        kafka.send(topic, service + "/production", GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, goodId));

        ConsumerRecord<String, String> letter = kafka.awaitRecord(topic + ".dlq",
                record -> withoutFromVersion.equals(record.value()));
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("subject.content.fromVersion");
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> goodId.equals(delivery.get("eventId"))));
        assertThat(deliveries(team)).noneMatch(delivery -> badId.equals(delivery.get("eventId")));
    }

    @Test
    void everyRollbackOutcomeAndARetiredTargetPassWithoutADeadLetter() {
        String topic = config.getValue("lifeguard.topics.deployments", String.class);
        String team = unique("team");
        String service = unique("svc");
        subscribe(team, List.of(service), "webhook", "http://localhost:9/unused");
        List<String> events = List.of(
                GoldenEvents.serviceRemoved(service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLBACK_FAILED, service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLBACK_SKIPPED, service, UUID.randomUUID().toString()),
                GoldenEvents.about(GoldenEvents.ROLLBACK_ACCEPTED, service, UUID.randomUUID().toString()),
                GoldenEvents.acceptedByWebhook(service, UUID.randomUUID().toString()),
                GoldenEvents.rolledBackByCi(service, UUID.randomUUID().toString()));
        String markerId = UUID.randomUUID().toString();

        events.forEach(event -> kafka.send(topic, service + "/production", event));
        kafka.send(topic, service + "/production", GoldenEvents.about(GoldenEvents.UPGRADED, service, markerId));

        // Same key, so same partition: once the marker is recorded, every event before it has been handled.
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(team).stream()
                .anyMatch(delivery -> markerId.equals(delivery.get("eventId"))));
        assertThat(deliveries(team)).hasSize(events.size()); // all but service.removed, plus the marker
        assertThat(kafka.readAll(topic + ".dlq")).noneMatch(letter -> letter.value().contains(service));
    }
}
