package dev.lifeguard.postmortem.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.ChainScenario;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.lifeguard.postmortem.ReadModelTestClient.WAIT;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitIncident;
import static dev.lifeguard.postmortem.ReadModelTestClient.awaitTimelineEntry;
import static dev.lifeguard.postmortem.ReadModelTestClient.publish;
import static dev.lifeguard.postmortem.ReadModelTestClient.topic;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class IncidentLifecycleTest {

    private static final List<String> TIMELINE_IN_EVENT_ORDER =
            List.of("deployment", "anomaly", "rollback-requested", "rollback", "notification");

    @Inject
    EntityManager entityManager;

    @Test
    void chainOfEventsBecomesAResolvedIncidentWithTimelineAndPostmortem() {
        ChainScenario chain = new ChainScenario();
        String deploymentId = publish(chain, ChainScenario.UPGRADED);
        String anomalyId = publish(chain, ChainScenario.ANOMALY);
        String requestId = publish(chain, ChainScenario.ROLLBACK_REQUESTED);
        String notificationId = publish(chain, ChainScenario.NOTIFICATION);
        String rollbackId = publish(chain, ChainScenario.ROLLEDBACK);

        String incidentId = awaitIncident(chain, "RESOLVED");
        given().queryParam("service", chain.service()).queryParam("environment", "production")
                .get("/api/v1/incidents").then()
                .statusCode(200)
                .body("[0].chainId", equalTo(chain.chainId()))
                .body("[0].environment", equalTo("production"))
                .body("[0].triggerVersion", equalTo("2.0.0"))
                .body("[0].restoredVersion", equalTo("1.0.0"))
                .body("[0].openedAt", notNullValue())
                .body("[0].resolvedAt", notNullValue());
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .statusCode(200)
                .body("id", equalTo(incidentId))
                .body("status", equalTo("RESOLVED"))
                .body("timeline.type", contains(TIMELINE_IN_EVENT_ORDER.toArray()))
                .body("timeline.eventId", contains(deploymentId, anomalyId, requestId, rollbackId, notificationId))
                .body("timeline[0].summary", equalTo(chain.service()
                        + " upgraded from 1.0.0 to 2.0.0 in production (commit e4f5a6b, team payments)"))
                .body("timeline[0].time", notNullValue()));

        String postmortem = given().get("/api/v1/incidents/{id}/postmortem", incidentId).then()
                .statusCode(200)
                .contentType(containsString("text/markdown"))
                .extract().asString();
        assertThat(postmortem)
                .startsWith("# Post-mortem: " + chain.service() + " 2.0.0 in production")
                .contains("Lifeguard rolled back from 2.0.0 to 1.0.0")
                .contains("## Summary", "## Impact window", "## Timeline", "## Trigger", "## Detection",
                        "## Resolution", "## Root cause", "## Action items")
                .contains("- Commit: `e4f5a6b`", "- Observed values: 0.21, 0.34, 0.4", "- Rollback decision: `rollback-0004`");

        JsonNode resolved = EventContract.parse(awaitIncidentResolved(chain).value());
        assertThat(resolved.path("data").path("subject").path("id").asText()).isEqualTo(incidentId);
        assertThat(resolved.path("chainid").asText()).isEqualTo(chain.chainId());
        assertThat(resolved.path("subject").asText()).isEqualTo(chain.key());
        assertThat(resolved.at("/data/context/links/0/linkKind").asText()).isEqualTo("TRIGGER");
        assertThat(resolved.at("/data/context/links/0/target/contextId").asText()).isEqualTo(rollbackId);
        assertThat(resolved.at("/data/customData/triggerVersion").asText()).isEqualTo("2.0.0");
        assertThat(resolved.at("/data/customData/restoredVersion").asText()).isEqualTo("1.0.0");
        assertThat(resolved.at("/data/customData/postmortemPath").asText())
                .isEqualTo("/api/v1/incidents/" + incidentId + "/postmortem");
        assertThat(resolved.at("/data/subject/content/artifactId").asText()).isEqualTo("pkg:generic/" + chain.service() + "@1.0.0");
    }

    @Test
    void incidentResolvedIsPublishedOnceWhenTheRollbackIsRedelivered() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        publish(chain, ChainScenario.ANOMALY);
        publish(chain, ChainScenario.ROLLEDBACK);
        String incidentId = awaitIncident(chain, "RESOLVED");
        publish(chain, ChainScenario.ROLLEDBACK);
        // The deployments topic is consumed in order: once a later record is in, the redelivery was handled.
        ChainScenario later = new ChainScenario();
        awaitTimelineEntry(publish(later, ChainScenario.UPGRADED));

        awaitIncidentResolved(chain);
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("timeline.type", contains("deployment", "anomaly", "rollback"));
        assertThat(outboxRows(chain)).isEqualTo(1);
        await().atMost(WAIT).until(() -> unsentOutboxRows(chain) == 0);
        assertThat(KafkaTestClient.forTestBroker().readAll(topic("incidents")))
                .filteredOn(record -> chain.key().equals(record.key()))
                .hasSize(1);
        // resolving is an automatic action: audited once, by contract, and listed in the audit trail
        List<ConsumerRecord<String, String>> audited = KafkaTestClient.forTestBroker().awaitRecords(topic("audit"),
                record -> record.value().contains("incident/" + incidentId), 1);
        assertThat(audited).hasSize(1);
        assertThat(EventContract.violations(audited.get(0).value())).isEmpty();
        JsonNode entry = EventContract.parse(audited.get(0).value()).at("/data/subject/content");
        assertThat(entry.path("actor").asText()).isEqualTo("service:postmortem-service");
        assertThat(entry.path("action").asText()).isEqualTo("incident.resolved");
        await().atMost(WAIT).untilAsserted(() -> given().queryParam("target", "incident/" + incidentId)
                .get("/api/v1/audit").then().body("entries.action", contains("incident.resolved")));
    }

    @Test
    void rollbackArrivingBeforeTheAnomalyStillResolvesAndALateDeploymentCompletesTheTrigger() {
        ChainScenario chain = new ChainScenario();
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLEDBACK));
        awaitTimelineEntry(publish(chain, ChainScenario.NOTIFICATION));
        awaitTimelineEntry(publish(chain, ChainScenario.ROLLBACK_REQUESTED));
        publish(chain, ChainScenario.ANOMALY);

        String incidentId = awaitIncident(chain, "RESOLVED");
        given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("restoredVersion", equalTo("1.0.0"))
                .body("timeline", hasSize(4));
        assertThat(EventContract.violations(awaitIncidentResolved(chain).value())).isEmpty();

        publish(chain, ChainScenario.UPGRADED);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .body("timeline.type", contains(TIMELINE_IN_EVENT_ORDER.toArray())));
        assertThat(given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().extract().asString())
                .contains("- Previous version: 1.0.0", "- Commit: `e4f5a6b`", "- Team: payments", "- CI event: `ci-0002`");
    }

    @Test
    void analysisVerdictJoinsTheIncidentTimelineAndPostmortemOnceWhenDeliveredTwice() {
        ChainScenario chain = new ChainScenario();
        publish(chain, ChainScenario.UPGRADED);
        String verdictId = publish(chain, ChainScenario.ANALYSIS);
        publish(chain, ChainScenario.ANALYSIS);
        publish(chain, ChainScenario.ANOMALY);
        // Another chain's verdict on the same key, so the same partition: once it is in, both copies were handled.
        ChainScenario marker = new ChainScenario();
        KafkaTestClient.forTestBroker().send(topic("analyses"), chain.key(), marker.event(ChainScenario.ANALYSIS));
        awaitTimelineEntry(marker.eventId(ChainScenario.ANALYSIS));

        String incidentId = awaitIncident(chain, "OPEN");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/incidents/{id}", incidentId).then()
                .statusCode(200)
                .body("timeline.type", contains("deployment", "anomaly", "analysis"))
                .body("timeline[2].eventId", equalTo(verdictId))
                .body("timeline[2].summary", equalTo("Analysis of " + chain.service() + " 2.0.0 in production failed:"
                        + " error_rate above 0.05 for 3 consecutive samples (threshold, statistic 0.4)")));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM timeline_entry WHERE event_id = :id")
                .setParameter("id", verdictId).getSingleResult()).longValue())).isEqualTo(1);

        assertThat(given().get("/api/v1/incidents/{id}/postmortem", incidentId).then().statusCode(200)
                .extract().asString())
                .contains("| 2026-11-26 10:01:21 UTC | analysis | Analysis of " + chain.service() + " 2.0.0 in production"
                        + " failed: error_rate above 0.05 for 3 consecutive samples (threshold, statistic 0.4) |");
    }

    @Test
    void verdictOfAnAbortedTransactionNeverReachesTheTimeline() throws Exception {
        ChainScenario aborted = new ChainScenario();
        ChainScenario committed = new ChainScenario();

        // monitor-service writes verdicts in transactions; one that aborted is in the log but must stay unread.
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-aborting-" + UUID.randomUUID());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic("analyses"), aborted.key(), aborted.event(ChainScenario.ANALYSIS)))
                    .get(30, TimeUnit.SECONDS);
            producer.abortTransaction();
        }
        // Same key, so same partition: once the committed verdict is recorded, the aborted one was passed over.
        KafkaTestClient.forTestBroker().send(topic("analyses"), aborted.key(), committed.event(ChainScenario.ANALYSIS));
        awaitTimelineEntry(committed.eventId(ChainScenario.ANALYSIS));

        assertThat(QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM timeline_entry WHERE chain_id = :chain")
                .setParameter("chain", aborted.chainId()).getSingleResult()).longValue())).isZero();
    }

    /** The chain's incident.resolved, checked against the contract. */
    private static ConsumerRecord<String, String> awaitIncidentResolved(ChainScenario chain) {
        ConsumerRecord<String, String> record = KafkaTestClient.forTestBroker()
                .awaitRecord(topic("incidents"), candidate -> chain.key().equals(candidate.key()));
        assertThat(EventContract.violations(record.value())).isEmpty();
        assertThat(KafkaTestClient.header(record, "content-type")).isEqualTo("application/cloudevents+json");
        return record;
    }

    private long outboxRows(ChainScenario chain) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM outbox_event WHERE record_key = :key")
                .setParameter("key", chain.key()).getSingleResult()).longValue());
    }

    private long unsentOutboxRows(ChainScenario chain) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "SELECT count(*) FROM outbox_event WHERE record_key = :key AND sent_at IS NULL")
                .setParameter("key", chain.key()).getSingleResult()).longValue());
    }
}
