package dev.lifeguard.deploy.messaging;

import dev.lifeguard.support.consumer.DeadLetters;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.TopicReset;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.CI_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.ciDeployment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.recordsWith;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.rollbacksOf;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.testsupport.ServiceHealth.stuckChannel;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The failure-mode checklist for deploy-service's two consumers, CI deployments ({@code ci}) and rollback
 * requests ({@code rollback-requests}): twice, out of order, after a topic reset, with the database down, by two
 * instances at once, across a broker restart.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class ConsumerFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Inject
    CiEventConsumer ciConsumer;

    @Inject
    RollbackRequestConsumer rollbackConsumer;

    // --- twice ---------------------------------------------------------------------------------------------

    @Test
    void redeliveredRollbackRequestIsExecutedOnce() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        String request = rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "c");

        kafka().send(ROLLBACKS_TOPIC, service + "/production", request);
        kafka().send(ROLLBACKS_TOPIC, service + "/production", request);
        // Same key, same partition, behind the repeat: once it is handled, so was the repeat.
        String marker = rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service,
                "unknown-" + service, "c");
        kafka().send(ROLLBACKS_TOPIC, service + "/production", marker);

        await().atMost(BOUND).untilAsserted(() -> assertThat(rollbacksOf(service)).extracting(row -> row.get("outcome"))
                .containsExactlyInAnyOrder("EXECUTED", "SKIPPED"));
        awaitEnvironment(service, "production", "1.0.0");
        await().atMost(BOUND).until(() -> !recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback").isEmpty());
        assertThat(distinctEventIds(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "service.rolledback")))
                .as("one service.rolledback event").hasSize(1);
    }

    // --- out of order ----------------------------------------------------------------------------------------

    @Test
    void olderCiDeploymentReplayedAfterANewerOneChangesNothing() {
        String service = unique("checkout");
        String v1 = UUID.randomUUID().toString();
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(v1, service, "1.0.0"));
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(UUID.randomUUID().toString(), service, "2.0.0"));
        awaitEnvironment(service, "production", "2.0.0");

        kafka().send(CI_TOPIC, service + "/production", ciDeployment(v1, service, "1.0.0"));
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(UUID.randomUUID().toString(), service, "3.0.0"));

        awaitEnvironment(service, "production", "3.0.0");
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history.version", equalTo(List.of("3.0.0", "2.0.0", "1.0.0")));
    }

    @Test
    void rollbackRequestForADeploymentThisServiceDoesNotKnowIsRecordedAsSkipped() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, "d-unknown", "c"));

        await().atMost(BOUND).until(() -> rollbacksOf(service).size() == 1);
        Map<String, Object> skipped = rollbacksOf(service).get(0);
        assertThat(skipped.get("outcome")).isEqualTo("SKIPPED");
        assertThat((String) skipped.get("outcomeDetail")).contains("d-unknown").contains("unknown");
        awaitEnvironment(service, "production", "1.0.0");
    }

    @Test
    void aValueTheDatabaseRefusesIsDeadLetteredNotRetriedForever() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        String tooLongDeploymentId = "d".repeat(300);
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, tooLongDeploymentId, "c"));
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "c"));

        awaitEnvironment(service, "production", "1.0.0");
        ConsumerRecord<String, String> deadLetter = kafka().awaitRecord(ROLLBACKS_TOPIC + ".dlq",
                record -> record.value().contains(tooLongDeploymentId));
        assertThat(KafkaTestClient.header(deadLetter, DeadLetters.REASON)).contains("22001");
    }

    // --- after a topic reset -----------------------------------------------------------------------------------

    @Test
    void afterTheCiTopicIsRecreatedOldEventsAreNotAppliedAgainAndNewOnesAre() throws Exception {
        String service = unique("checkout");
        String v1 = ciDeployment(UUID.randomUUID().toString(), service, "1.0.0");
        kafka().send(CI_TOPIC, service + "/production", v1);
        awaitEnvironment(service, "production", "1.0.0");
        deploy(service, "2.0.0");

        TopicReset.recreate("lifeguard-deploy-service", CI_TOPIC);
        kafka().send(CI_TOPIC, service + "/production", v1);
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(UUID.randomUUID().toString(), service, "3.0.0"));

        await().atMost(BOUND).untilAsserted(() -> given().get("/api/v1/services/{s}/environments/production", service)
                .then().body("currentVersion", equalTo("3.0.0")));
        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("history.version", equalTo(List.of("3.0.0", "2.0.0", "1.0.0")));
    }

    // --- database down -------------------------------------------------------------------------------------------

    @Test
    void ciEventDuringADatabaseOutageIsRetriedInPlaceAndAppliedAfterIt() {
        String service = unique("checkout");
        String eventId = UUID.randomUUID().toString();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            kafka().send(CI_TOPIC, service + "/production", ciDeployment(eventId, service, "1.0.0"));
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.CI))
                    .contains("retrying " + CI_TOPIC));
        }
        awaitEnvironment(service, "production", "1.0.0");
        await().atMost(BOUND).until(() -> stuckChannel(Channels.CI) == null);
        assertThat(kafka().readAll(CI_TOPIC + ".dlq")).noneMatch(record -> record.value().contains(eventId));
    }

    @Test
    void rollbackRequestDuringADatabaseOutageIsRetriedInPlaceAndExecutedOnceAfterIt() {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        String eventId = UUID.randomUUID().toString();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            kafka().send(ROLLBACKS_TOPIC, service + "/production",
                    rollbackRequest(eventId, UUID.randomUUID().toString(), service, v2, "c"));
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.ROLLBACK_REQUESTS))
                    .contains("retrying " + ROLLBACKS_TOPIC));
        }
        awaitEnvironment(service, "production", "1.0.0");
        await().atMost(BOUND).untilAsserted(() -> assertThat(rollbacksOf(service)).extracting(row -> row.get("outcome"))
                .containsExactly("EXECUTED"));
        assertThat(kafka().readAll(ROLLBACKS_TOPIC + ".dlq")).noneMatch(record -> record.value().contains(eventId));
    }

    // --- two instances at once -------------------------------------------------------------------------------

    @Test
    void theSameCiEventHandledByTwoInstancesAtOnceIsAppliedOnce() throws Exception {
        String service = unique("checkout");
        ConsumerRecord<String, String> record = new ConsumerRecord<>(CI_TOPIC, 0, 1_000_000L, service + "/production",
                ciDeployment(UUID.randomUUID().toString(), service, "1.0.0"));
        Concurrently.atOnce(BOUND, () -> ciConsumer.consume(record), () -> ciConsumer.consume(record));

        given().get("/api/v1/services/{s}/environments/production", service).then()
                .body("currentVersion", equalTo("1.0.0"))
                .body("history", hasSize(1));
    }

    @Test
    void theSameRollbackRequestHandledByTwoInstancesAtOnceIsExecutedOnce() throws Exception {
        String service = unique("checkout");
        deploy(service, "1.0.0");
        String v2 = deploy(service, "2.0.0");
        ConsumerRecord<String, String> record = new ConsumerRecord<>(ROLLBACKS_TOPIC, 0, 1_000_000L, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), UUID.randomUUID().toString(), service, v2, "c"));
        Concurrently.atOnce(BOUND, () -> rollbackConsumer.consume(record), () -> rollbackConsumer.consume(record));

        assertThat(rollbacksOf(service)).as("one rollback accepted").hasSize(1);
        await().atMost(BOUND).untilAsserted(() -> assertThat(rollbacksOf(service)).extracting(row -> row.get("outcome"))
                .containsExactly("EXECUTED"));
        awaitEnvironment(service, "production", "1.0.0");
    }

    // --- broker restart ----------------------------------------------------------------------------------------

    @Test
    void acrossABrokerRestartNothingIsLost() {
        String service = unique("checkout");
        String restDeployment;
        KafkaBrokerResource.broker().stopBroker();
        try {
            // recorded with the broker away: its event waits in the outbox
            restDeployment = deploy(service, "1.0.0");
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
        kafka().send(CI_TOPIC, service + "/production", ciDeployment(UUID.randomUUID().toString(), service, "2.0.0"));

        awaitEnvironment(service, "production", "2.0.0");
        await().atMost(BOUND).until(() -> recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData").size() >= 2);
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", "customData"))
                .extracting(record -> JsonPath.from(record.value()).getString("data.customData.version"))
                .as("both deployments published, in order").containsSubsequence("1.0.0", "2.0.0");
        assertThat(recordsWith(DEPLOYMENTS_TOPIC, service + "/production", restDeployment)).isNotEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static List<String> distinctEventIds(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(record -> JsonPath.from(record.value()).getString("id")).distinct().toList();
    }
}
