package dev.lifeguard.deploy.plumbing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.support.config.InstanceConfig;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.outbox.Outbox;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.testsupport.ServiceHealth.readiness;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The outbox relay of a real service against a real broker and database: order per key, rows that wait out a
 * broker outage, a row that cannot be sent (parked, its key waits, every other key flows, an operator's retry
 * sends it), and the operator's view of it (REST, gauges, readiness).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class OutboxRelayTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper mapper;

    @Inject
    EntityManager entityManager;

    @Inject
    InstanceConfig instance;

    @Test
    void whileTheBrokerIsDownRowsWaitUncountedThenDrainInOrderPerKey() {
        String first = unique("checkout");
        String second = unique("payments");
        KafkaBrokerResource.broker().stopBroker();
        try {
            for (String version : List.of("1.0.0", "2.0.0", "3.0.0")) {
                deploy(first, version);
                deploy(second, version);
            }
            // Only the oldest row of a key is ever tried; the others wait behind it.
            await().atMost(BOUND).untilAsserted(() -> assertThat(unsent(first)).hasSize(3)
                    .first().satisfies(head -> assertThat(head.get("lastError")).as("the relay tried").isNotNull()));
            assertThat(unsent(first)).as("an outage counts no attempt and parks nothing")
                    .allSatisfy(row -> {
                        assertThat(row.get("attempts")).isEqualTo(0);
                        assertThat(row.get("status")).isEqualTo("pending");
                    });
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        for (String service : List.of(first, second)) {
            await().atMost(BOUND).until(() -> recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData").size() >= 3);
            assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData"))
                    .extracting(record -> JsonPath.from(record.value()).getString("data.customData.version"))
                    .containsExactly("1.0.0", "2.0.0", "3.0.0");
        }
        await().atMost(BOUND).until(() -> unsent(first).isEmpty() && unsent(second).isEmpty());
    }

    @Test
    void rowsWaitingThroughADatabaseOutageAreSentWhenItEnds() {
        String service = unique("checkout");
        KafkaBrokerResource.broker().stopBroker();
        try {
            deploy(service, "1.0.0");
        } finally {
            // the broker returns while the relay cannot reach its database: its runs fail until the outage ends
            try (PostgresResource.Outage outage = PostgresResource.outage()) {
                KafkaBrokerResource.broker().startBroker();
            }
        }
        await().atMost(BOUND).until(() ->
                !recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData").isEmpty());
        await().atMost(BOUND).untilAsserted(() -> assertThat(unsent(service)).isEmpty());
    }

    @Test
    void aClaimLeftByAnEarlierRunOfThisInstanceIsTakenUpAtOnceWhileAnotherInstancesClaimWaitsForItsLease() {
        // a run that sent, or tried to, and then lost its database leaves its rows claimed for the whole lease
        String ours = unique("ours");
        String theirs = unique("theirs");
        long leftByUs = enqueueClaimed(DEPLOYMENTS_TOPIC, ours, instance.id());
        long heldByAnother = enqueueClaimed(DEPLOYMENTS_TOPIC, theirs, "another-instance");

        await().atMost(BOUND).until(() -> "sent".equals(row(leftByUs).get("status")));
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, ours, "claimed")).hasSize(1);
        assertThat(row(heldByAnother)).as("another instance may still be sending it")
                .containsEntry("status", "pending").containsEntry("attempts", 0);
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, theirs, "claimed")).isEmpty();
        releaseClaim(heldByAnother);
        await().atMost(BOUND).until(() -> "sent".equals(row(heldByAnother).get("status")));
    }

    @Test
    void anUnsendableRowIsParkedHoldsBackOnlyItsKeyAndGoesOutAfterARetry() {
        String topic = "lifeguard.test.missing-" + UUID.randomUUID().toString().substring(0, 8);
        long parkedRow = enqueue(topic, "k1", "first");
        long behindIt = enqueue(topic, "k1", "second");
        String otherKey = unique("checkout");
        deploy(otherKey, "1.0.0");
        try {
            await("other keys flow").atMost(BOUND)
                    .until(() -> !recordsWith(DEPLOYMENTS_TOPIC, otherKey + "/production", "customData").isEmpty());
            await("parked after 3 attempts").atMost(BOUND).untilAsserted(() -> assertThat(row(parkedRow))
                    .containsEntry("status", "parked").containsEntry("attempts", 3));
            assertThat((String) row(parkedRow).get("lastError")).contains(topic);
            assertThat(row(behindIt)).as("its key waits behind it, untried")
                    .containsEntry("status", "pending").containsEntry("attempts", 0);
            given().queryParam("status", "parked").get("/api/v1/outbox").then().statusCode(200)
                    .body("find { it.id == " + parkedRow + " }.topic", equalTo(topic));
            await().atMost(BOUND).untilAsserted(() -> {
                JsonPath health = readiness();
                assertThat(health.getString("checks.find { it.name == 'Lifeguard outbox' }.status")).isEqualTo("DOWN");
                assertThat(health.getString("checks.find { it.name == 'Lifeguard outbox' }.data.oldestParked"))
                        .contains("#" + parkedRow).contains(topic).contains("/api/v1/outbox/" + parkedRow + "/retry");
                assertThat(metric("lifeguard_outbox_parked")).isGreaterThanOrEqualTo(1);
            });
        } finally {
            KafkaBrokerResource.broker().createTopics(topic);
            given().post("/api/v1/outbox/{id}/retry", parkedRow).then().statusCode(200).body("status", equalTo("pending"));
        }
        await().atMost(BOUND).until(() -> "sent".equals(row(behindIt).get("status")));
        assertThat(kafka().readAll(topic)).extracting(record -> JsonPath.from(record.value()).getString("data.text"))
                .containsExactly("first", "second");
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(readiness().getString("checks.find { it.name == 'Lifeguard outbox' }.status")).isEqualTo("UP");
            assertThat(metric("lifeguard_outbox_parked")).isZero();
        });
    }

    @Test
    void operatorsSeeTheOutboxOnMetrics() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("lifeguard_outbox_pending ").contains("lifeguard_outbox_parked ")
                .contains("lifeguard_outbox_oldest_age_seconds ");
    }

    @Test
    void badOutboxRequestsAreAnsweredWithProblemsNamingTheField() {
        given().queryParam("status", "lost").get("/api/v1/outbox").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("status"));
        given().queryParam("limit", "0").get("/api/v1/outbox").then().statusCode(400).body("field", equalTo("limit"));
        given().post("/api/v1/outbox/{id}/retry", "abc").then().statusCode(400).body("field", equalTo("id"));
        given().post("/api/v1/outbox/{id}/retry", Long.MAX_VALUE).then().statusCode(404)
                .body("detail", containsString("no outbox row"));
        String service = unique("checkout");
        deploy(service, "1.0.0");
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData").isEmpty());
        long sent = await().atMost(BOUND).until(() -> sentRowOf(service), id -> id != null);
        given().post("/api/v1/outbox/{id}/retry", sent).then().statusCode(409).body("detail", containsString("sent already"));
    }

    private long enqueue(String topic, String key, String text) {
        return enqueue(topic, key, text, null);
    }

    /** A row claimed, for an hour, by that instance, as if a run of it had claimed it and then lost the database. */
    private long enqueueClaimed(String topic, String key, String owner) {
        return enqueue(topic, key, "claimed", owner);
    }

    private long enqueue(String topic, String key, String text, String claimedBy) {
        CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), "/test", "dev.lifeguard.test", null, null, null,
                mapper.createObjectNode().put("text", text));
        // one transaction: the relay, woken by the commit, never sees a claimed row unclaimed
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(topic, key, event);
            if (claimedBy != null) {
                entityManager.flush();
                entityManager.createNativeQuery("UPDATE outbox_event SET claimed_by = :owner,"
                                + " claimed_until = now() + interval '1 hour' WHERE event_id = :eventId")
                        .setParameter("owner", claimedBy).setParameter("eventId", event.id()).executeUpdate();
            }
        });
        return outbox.list(Optional.empty(), 1000).stream()
                .filter(row -> row.eventId.equals(event.id())).findFirst().orElseThrow().id;
    }

    private void releaseClaim(long id) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "UPDATE outbox_event SET claimed_by = NULL, claimed_until = NULL WHERE id = :id")
                .setParameter("id", id).executeUpdate());
    }

    private static Map<String, Object> row(long id) {
        List<Map<String, Object>> all = given().queryParam("limit", "1000").get("/api/v1/outbox").then().statusCode(200)
                .extract().jsonPath().getList("$");
        List<Map<String, Object>> sent = given().queryParam("status", "sent").queryParam("limit", "1000")
                .get("/api/v1/outbox").then().statusCode(200).extract().jsonPath().getList("$");
        return java.util.stream.Stream.concat(all.stream(), sent.stream())
                .filter(row -> ((Number) row.get("id")).longValue() == id).findFirst().orElseThrow();
    }

    private static List<Map<String, Object>> unsent(String service) {
        List<Map<String, Object>> rows = given().queryParam("limit", "1000").get("/api/v1/outbox").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return rows.stream().filter(row -> (service + "/production").equals(row.get("key"))).toList();
    }

    private static Long sentRowOf(String service) {
        List<Map<String, Object>> rows = given().queryParam("status", "sent").queryParam("limit", "1000")
                .get("/api/v1/outbox").then().statusCode(200).extract().jsonPath().getList("$");
        return rows.stream().filter(row -> (service + "/production").equals(row.get("key")))
                .map(row -> ((Number) row.get("id")).longValue()).findFirst().orElse(null);
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(name + " not on /q/metrics"));
    }
}
