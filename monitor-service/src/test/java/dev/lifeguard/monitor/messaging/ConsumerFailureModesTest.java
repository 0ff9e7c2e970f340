package dev.lifeguard.monitor.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.WatchStatus;
import dev.lifeguard.monitor.WatchedDeployment;
import dev.lifeguard.support.outbox.OutboxStatus;
import dev.lifeguard.testsupport.Concurrently;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.TopicReset;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import static dev.lifeguard.monitor.Fixtures.ANOMALIES_TOPIC;
import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.ENVIRONMENT;
import static dev.lifeguard.monitor.Fixtures.METRICS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.anomalies;
import static dev.lifeguard.monitor.Fixtures.awaitVerification;
import static dev.lifeguard.monitor.Fixtures.deploymentId;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.rfc3339;
import static dev.lifeguard.monitor.Fixtures.rolledBack;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static dev.lifeguard.testsupport.ServiceHealth.stuckChannel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The failure-mode checklist for monitor-service's two consumers, deployment events ({@code deployments}) and
 * metric samples ({@code metrics}): twice, out of order, after a topic reset, with the database down, by two
 * instances at once, across a broker restart. The tests that take the database or the broker away give it back
 * in a finally block and wait until both channels flow again, so the tests after them are not affected.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
class ConsumerFailureModesTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    /** Both channels' consumer group, from application.properties. */
    private static final String GROUP = "lifeguard-monitor-service";
    private static final String DEPLOYMENTS_CONSUMER = "monitor-service/deployments";

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Inject
    DeploymentEventConsumer deploymentConsumer;

    @Inject
    MetricsConsumer metricsConsumer;

    @Inject
    EntityManager entityManager;

    // --- twice -------------------------------------------------------------------------------------------------

    @Test
    void aRedeliveredDeploymentEventChangesNothing() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        String windowStart = awaitVerification(service, "status", equalTo("WATCHING")).extract().path("windowStart");
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));
        anomalies(service).body("$", hasSize(1));

        // The same record again (as after a rebalance before the commit), and the same event at a new offset.
        ConsumerRecord<String, String> record = new ConsumerRecord<>(DEPLOYMENTS_TOPIC, 0, 0L, key(service),
                deployment.toString());
        deploymentConsumer.consume(record);
        deploymentConsumer.consume(record);
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        // Same key, same partition, behind the repeat: once the marker (an old deployment, so it changes nothing
        // else) is handled, so was the repeat.
        ObjectNode marker = upgraded(service, "1.0.0", secondsAgo(3600));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), marker.toString());
        await().atMost(BOUND).until(() -> status(deploymentId(marker)) != null);

        assertThat(watchedDeployments(service)).filteredOn(d -> d.id.equals(deploymentId(deployment)))
                .singleElement().satisfies(d -> {
                    assertThat(d.status).isEqualTo(WatchStatus.ANOMALY_DETECTED);
                    assertThat(rfc3339(d.windowStart)).isEqualTo(windowStart);
                });
        anomalies(service).body("$", hasSize(1));
        assertThat(outboxEvents(key(service))).isEqualTo(1);
    }

    @Test
    void aRedeliveredMetricsRecordIsCountedOnceButAnUndatedSampleIsCountedAgain() {
        String service = uniqueService();
        watch(service, "2.0.0");
        String twoBadSamples = array(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20))).toString();

        kafka.send(METRICS_TOPIC, key(service), twoBadSamples);
        kafka.send(METRICS_TOPIC, key(service), twoBadSamples);
        metricsConsumer.consume(new ConsumerRecord<>(METRICS_TOPIC, 0, 0L, key(service), twoBadSamples));
        // Behind the repeats on the same partition: once it is counted, so were they.
        String undated = errorRate(service, "2.0.0", 0.01, null).toString();
        kafka.send(METRICS_TOPIC, key(service), undated);
        // Counted three times, the two bad samples would be a streak of six and raise an anomaly.
        awaitVerification(service, "samplesInWindow", equalTo(3)).body("status", equalTo("WATCHING"));

        // Documented: a sample without a timestamp cannot be recognised, so sending it again counts it again.
        kafka.send(METRICS_TOPIC, key(service), undated);
        awaitVerification(service, "samplesInWindow", equalTo(4)).body("status", equalTo("WATCHING"));
        anomalies(service).body("$", hasSize(0));
        assertThat(storedValues(service)).containsExactly(0.3, 0.3, 0.01, 0.01);
    }

    // --- out of order -----------------------------------------------------------------------------------------

    @Test
    void aRollbackThatArrivesBeforeItsDeploymentEndsTheWindowAndNoAnomalyIsEverRaised() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        OffsetDateTime rolledBackAt = secondsAgo(60);
        // Bad samples inside the window and before the rollback: the deployment event alone would judge them.
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(100)), errorRate(service, "2.0.0", 0.3, secondsAgo(90)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(80)));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), rolledBack(deployment, rolledBackAt).toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());

        awaitVerification(service, "status", equalTo("ROLLED_BACK"))
                .body("deploymentId", equalTo(deploymentId(deployment)))
                .body("windowEnd", equalTo(rfc3339(rolledBackAt)))
                .body("samplesInWindow", equalTo(3))
                .body("anomalyId", nullValue());
        // More bad samples, before and after the rollback, judged synchronously by the REST intake.
        post(errorRate(service, "2.0.0", 0.4, secondsAgo(70)), errorRate(service, "2.0.0", 0.4, secondsAgo(50)),
                errorRate(service, "2.0.0", 0.4, secondsAgo(40)), errorRate(service, "2.0.0", 0.4, secondsAgo(30)));
        anomalies(service).body("$", hasSize(0));
        assertThat(outboxEvents(key(service))).isZero();
        awaitVerification(service, "status", equalTo("ROLLED_BACK")).body("samplesInWindow", equalTo(4));
    }

    @Test
    void anOlderDeploymentReplayedAfterANewerOneStaysSupersededAndTheNewerStaysUnderVerification() {
        String service = uniqueService();
        ObjectNode older = upgraded(service, "2.0.0", secondsAgo(300));
        ObjectNode newer = upgraded(service, "3.0.0", secondsAgo(200));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), newer.toString());
        awaitVerification(service, "version", equalTo("3.0.0")).body("status", equalTo("WATCHING"));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), older.toString());
        await().atMost(BOUND).until(() -> status(deploymentId(older)) != null);

        assertThat(status(deploymentId(older))).isEqualTo(WatchStatus.SUPERSEDED);
        awaitVerification(service, "deploymentId", equalTo(deploymentId(newer))).body("status", equalTo("WATCHING"));
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));
        anomalies(service).body("$", hasSize(0));
        post(errorRate(service, "3.0.0", 0.3, secondsAgo(30)), errorRate(service, "3.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "3.0.0", 0.3, secondsAgo(10)));
        anomalies(service).body("$", hasSize(1)).body("[0].deploymentId", equalTo(deploymentId(newer)));
    }

    @Test
    void samplesThatArriveOutOfMeasurementOrderAreJudgedInMeasurementOrder() {
        String service = uniqueService();
        watch(service, "2.0.0");
        OffsetDateTime t0 = secondsAgo(90);

        // Arrival order: bad, bad, good, bad. Measurement order: bad, bad, bad, good, a streak of three.
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.3, t0.plusSeconds(20)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.2, t0.plusSeconds(10)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.01, t0.plusSeconds(30)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.1, t0).toString());

        awaitVerification(service, "samplesInWindow", equalTo(4)).body("status", equalTo("ANOMALY_DETECTED"));
        anomalies(service).body("$", hasSize(1))
                .body("[0].observedValues", contains(0.1f, 0.2f, 0.3f))
                .body("[0].firstSampleAt", equalTo(rfc3339(t0)))
                .body("[0].lastSampleAt", equalTo(rfc3339(t0.plusSeconds(20))));
    }

    // --- after a topic reset ----------------------------------------------------------------------------------

    @Test
    void afterTheMetricsTopicIsRecreatedNewSamplesAtReusedOffsetsAreJudgedAndOldOnesCountedOnce() throws Exception {
        String service = uniqueService();
        watch(service, "2.0.0");
        ObjectNode oldGood = errorRate(service, "2.0.0", 0.01, secondsAgo(80));
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.3, secondsAgo(100)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.3, secondsAgo(90)).toString());
        kafka.send(METRICS_TOPIC, key(service), oldGood.toString());
        awaitVerification(service, "samplesInWindow", equalTo(3)).body("status", equalTo("WATCHING"));
        List<ConsumerRecord<String, String>> oldRecords =
                kafka.awaitRecords(METRICS_TOPIC, r -> key(service).equals(r.key()), 3);
        assertThat(oldRecords.get(oldRecords.size() - 1).offset()).as("offsets 0 to 2 of the partition were processed")
                .isGreaterThanOrEqualTo(2L);

        TopicReset.recreate(GROUP, METRICS_TOPIC);

        // Three new bad samples at offsets 0 to 2, all processed before the reset; then the old good sample
        // replayed (say from a mirror).
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.4, secondsAgo(60)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.5, secondsAgo(50)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.6, secondsAgo(40)).toString());
        kafka.send(METRICS_TOPIC, key(service), oldGood.toString());
        assertThat(kafka.awaitRecords(METRICS_TOPIC, r -> key(service).equals(r.key()), 4))
                .extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L);

        awaitVerification(service, "status", equalTo("ANOMALY_DETECTED")).body("samplesInWindow", equalTo(6));
        anomalies(service).body("$", hasSize(1)).body("[0].observedValues", contains(0.4f, 0.5f, 0.6f));
        kafka.awaitRecord(ANOMALIES_TOPIC, r -> key(service).equals(r.key()));
    }

    @Test
    void afterTheDeploymentsTopicIsRecreatedNewEventsAreProcessedAndOldOnesNotAppliedTwice() throws Exception {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitVerification(service, "status", equalTo("WATCHING"));
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));
        anomalies(service).body("$", hasSize(1));

        TopicReset.recreate(GROUP, DEPLOYMENTS_TOPIC);

        // The old event replayed at a new offset, then a new one (a newer deployment) at an offset seen before.
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        ObjectNode newer = upgraded(service, "3.0.0", secondsAgo(60));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), newer.toString());

        awaitVerification(service, "deploymentId", equalTo(deploymentId(newer))).body("status", equalTo("WATCHING"));
        assertThat(watchedDeployments(service)).extracting(d -> d.id + " " + d.status).containsExactlyInAnyOrder(
                deploymentId(deployment) + " " + WatchStatus.ANOMALY_DETECTED,
                deploymentId(newer) + " " + WatchStatus.WATCHING);
        anomalies(service).body("$", hasSize(1));
        assertThat(outboxEvents(key(service))).isEqualTo(1);
    }

    // --- database down ----------------------------------------------------------------------------------------

    @Test
    void aMetricsRecordDuringADatabaseOutageIsRetriedInPlaceNotDeadLetteredAndJudgedAfterIt() {
        String service = uniqueService();
        watch(service, "2.0.0");
        post(errorRate(service, "2.0.0", 0.2, secondsAgo(50)), errorRate(service, "2.0.0", 0.3, secondsAgo(40)));
        String thirdBadSample = errorRate(service, "2.0.0", 0.4, secondsAgo(30)).toString();

        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            kafka.send(METRICS_TOPIC, key(service), thirdBadSample);
            kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.01, secondsAgo(20)).toString());
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.METRICS))
                    .startsWith("retrying " + METRICS_TOPIC + "-"));
        }

        awaitVerification(service, "status", equalTo("ANOMALY_DETECTED")).body("samplesInWindow", equalTo(4));
        anomalies(service).body("$", hasSize(1)).body("[0].observedValues", contains(0.2f, 0.3f, 0.4f));
        assertThat(storedValues(service)).as("stored in the order sent").containsExactly(0.2, 0.3, 0.4, 0.01);
        await().atMost(BOUND).until(() -> stuckChannel(Channels.METRICS) == null);
        assertThat(kafka.readAll(METRICS_TOPIC + ".dlq")).noneMatch(r -> key(service).equals(r.key()));
    }

    @Test
    void aDeploymentEventDuringADatabaseOutageIsRetriedInPlaceNotDeadLetteredAndAppliedInOrderAfterIt() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(100)), errorRate(service, "2.0.0", 0.3, secondsAgo(90)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(80)));

        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
            // Behind it on the same partition: applied first, the rollback would keep the anomaly from being raised.
            kafka.send(DEPLOYMENTS_TOPIC, key(service), rolledBack(deployment, secondsAgo(10)).toString());
            await().atMost(BOUND).untilAsserted(() -> assertThat(stuckChannel(Channels.DEPLOYMENTS))
                    .startsWith("retrying " + DEPLOYMENTS_TOPIC + "-"));
        }

        awaitVerification(service, "status", equalTo("ROLLED_BACK"))
                .body("deploymentId", equalTo(deploymentId(deployment)));
        anomalies(service).body("$", hasSize(1)).body("[0].deploymentId", equalTo(deploymentId(deployment)));
        await().atMost(BOUND).until(() -> stuckChannel(Channels.DEPLOYMENTS) == null);
        assertThat(kafka.readAll(DEPLOYMENTS_TOPIC + ".dlq")).noneMatch(r -> key(service).equals(r.key()));
    }

    // --- two instances at once ----------------------------------------------------------------------------------

    @Test
    void theSameDeploymentRecordHandledByTwoInstancesAtOnceStartsOneWindowAndRaisesOneAnomaly() throws Exception {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));
        ConsumerRecord<String, String> record = new ConsumerRecord<>(DEPLOYMENTS_TOPIC, 0, 1_000_000L, key(service),
                deployment.toString());

        Concurrently.atOnce(BOUND, () -> deploymentConsumer.consume(record), () -> deploymentConsumer.consume(record));

        assertThat(watchedDeployments(service)).singleElement()
                .satisfies(d -> assertThat(d.status).isEqualTo(WatchStatus.ANOMALY_DETECTED));
        anomalies(service).body("$", hasSize(1));
        assertThat(outboxEvents(key(service))).isEqualTo(1);
    }

    @Test
    void aDeploymentAndItsRollbackHandledByTwoInstancesAtOnceAlwaysEndRolledBack() throws Exception {
        // A few rounds: whichever wins the race, the rollback is applied (a lost race would leave it WATCHING).
        for (int round = 0; round < 5; round++) {
            String service = uniqueService();
            ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
            OffsetDateTime rolledBackAt = secondsAgo(60);
            ConsumerRecord<String, String> deployed = new ConsumerRecord<>(DEPLOYMENTS_TOPIC, 0, 1_000_000L,
                    key(service), deployment.toString());
            ConsumerRecord<String, String> rollback = new ConsumerRecord<>(DEPLOYMENTS_TOPIC, 0, 1_000_001L,
                    key(service), rolledBack(deployment, rolledBackAt).toString());

            Concurrently.atOnce(BOUND, () -> deploymentConsumer.consume(deployed), () -> deploymentConsumer.consume(rollback));

            assertThat(watchedDeployments(service)).singleElement().satisfies(d -> {
                assertThat(d.status).isEqualTo(WatchStatus.ROLLED_BACK);
                assertThat(rfc3339(d.windowEnd)).isEqualTo(rfc3339(rolledBackAt));
            });
        }
    }

    @Test
    void theSameMetricsRecordHandledByTwoInstancesAtOnceIsStoredOnceAndRaisesOneAnomaly() throws Exception {
        String service = uniqueService();
        watch(service, "2.0.0");
        ConsumerRecord<String, String> record = new ConsumerRecord<>(METRICS_TOPIC, 0, 1_000_000L, key(service),
                array(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                        errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString());

        Concurrently.atOnce(BOUND, () -> metricsConsumer.consume(record), () -> metricsConsumer.consume(record));

        awaitVerification(service, "samplesInWindow", equalTo(3)).body("status", equalTo("ANOMALY_DETECTED"));
        anomalies(service).body("$", hasSize(1));
        assertThat(outboxEvents(key(service))).isEqualTo(1);
    }

    // --- broker restart ---------------------------------------------------------------------------------------

    @Test
    void acrossABrokerRestartDeploymentEventsAreConsumedAndTheirAnomalyIsPublished() {
        String service = uniqueService();
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));

        restartBroker(() -> {
        });
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());

        await().atMost(BOUND).untilAsserted(() -> anomalies(service).body("$", hasSize(1)));
        awaitAnomalyEvent(service, deploymentId(deployment));
        awaitChannelsFlow();
    }

    @Test
    void acrossABrokerRestartSamplesAreJudgedAndTheOutboxDrains() {
        String service = uniqueService();
        String detectedWhileAway = uniqueService();
        ObjectNode deployment = watch(service, "2.0.0");
        ObjectNode deploymentDetectedWhileAway = watch(detectedWhileAway, "2.0.0");

        restartBroker(() -> {
            // Raised with the broker away: its event waits in the outbox until the broker is back.
            post(errorRate(detectedWhileAway, "2.0.0", 0.3, secondsAgo(30)),
                    errorRate(detectedWhileAway, "2.0.0", 0.3, secondsAgo(20)),
                    errorRate(detectedWhileAway, "2.0.0", 0.3, secondsAgo(10)));
            anomalies(detectedWhileAway).body("$", hasSize(1));
        });
        kafka.send(METRICS_TOPIC, key(service), array(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20)), errorRate(service, "2.0.0", 0.3, secondsAgo(10)))
                .toString());

        await().atMost(BOUND).untilAsserted(() -> anomalies(service).body("$", hasSize(1)));
        awaitAnomalyEvent(service, deploymentId(deployment));
        awaitAnomalyEvent(detectedWhileAway, deploymentId(deploymentDetectedWhileAway));
        assertThat(outboxStatuses(key(detectedWhileAway))).as("sent, never parked").containsExactly(OutboxStatus.SENT);
        awaitChannelsFlow();
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private ObjectNode watch(String service, String version) {
        ObjectNode deployment = upgraded(service, version, secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitVerification(service, "status", equalTo("WATCHING"));
        return deployment;
    }

    /** Stops the broker, runs {@code whileAway}, and starts the broker again in any case. */
    private void restartBroker(Runnable whileAway) {
        KafkaBrokerResource.broker().stopBroker();
        try {
            whileAway.run();
        } finally {
            KafkaBrokerResource.broker().startBroker();
        }
    }

    /** Both channels consume again (after a restart the consumers take a moment to rejoin their group). */
    private void awaitChannelsFlow() {
        String marker = uniqueService();
        kafka.send(DEPLOYMENTS_TOPIC, key(marker), upgraded(marker, "1.0.0", secondsAgo(60)).toString());
        kafka.send(METRICS_TOPIC, key(marker), errorRate(marker, "1.0.0", 0.01, secondsAgo(30)).toString());
        await().atMost(BOUND).untilAsserted(() -> given()
                .get("/api/v1/deployments/{service}/{environment}", marker, ENVIRONMENT).then()
                .statusCode(200)
                .body("samplesInWindow", equalTo(1)));
    }

    /** Waits for the one incident.detected of the target on lifeguard.anomalies, and checks there is only one. */
    private void awaitAnomalyEvent(String service, String deploymentId) {
        JsonNode event = EventContract.parse(kafka.awaitRecords(ANOMALIES_TOPIC, r -> key(service).equals(r.key()), 1)
                .get(0).value());
        assertThat(event.at("/data/customData/deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(kafka.readAll(ANOMALIES_TOPIC)).filteredOn(r -> key(service).equals(r.key())).hasSize(1);
    }

    private static void post(ObjectNode... samples) {
        given().contentType(ContentType.JSON).body(array(samples).toString())
                .post("/api/v1/metrics").then()
                .statusCode(202)
                .body("accepted", equalTo(samples.length));
    }

    private static ArrayNode array(ObjectNode... samples) {
        return JsonNodeFactory.instance.arrayNode().addAll(List.of(samples));
    }

    private List<WatchedDeployment> watchedDeployments(String service) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select d from WatchedDeployment d where d.service = :service", WatchedDeployment.class)
                .setParameter("service", service)
                .getResultList());
    }

    private WatchStatus status(String deploymentId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            WatchedDeployment deployment = entityManager.find(WatchedDeployment.class, deploymentId);
            return deployment == null ? null : deployment.status;
        });
    }

    /** Values of the target's stored samples, in the order they were stored. */
    private List<Double> storedValues(String service) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select s.value from MetricSample s where s.service = :service order by s.id", Double.class)
                .setParameter("service", service)
                .getResultList());
    }

    private List<OutboxStatus> outboxStatuses(String key) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select o.status from OutboxEvent o where o.recordKey = :key", OutboxStatus.class)
                .setParameter("key", key)
                .getResultList());
    }

    private long outboxEvents(String key) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select count(o) from OutboxEvent o where o.recordKey = :key", Long.class)
                .setParameter("key", key)
                .getSingleResult());
    }
}
