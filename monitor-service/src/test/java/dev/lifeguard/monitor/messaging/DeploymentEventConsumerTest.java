package dev.lifeguard.monitor.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;

import static dev.lifeguard.monitor.Fixtures.ANOMALIES_TOPIC;
import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.METRICS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.anomalies;
import static dev.lifeguard.monitor.Fixtures.awaitVerification;
import static dev.lifeguard.monitor.Fixtures.deploymentId;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.golden;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.rolledBack;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
class DeploymentEventConsumerTest {

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Test
    void theGoldenEventsAndSamplesProduceTheContractsAnomaly() {
        String service = uniqueService();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), golden("dev.cdevents.service.upgraded.0.3.0", service));
        awaitVerification(service, "status", equalTo("WATCHING"))
                .body("deploymentId", equalTo("d-0002"))
                .body("version", equalTo("2.0.0"))
                .body("windowStart", equalTo("2026-11-26T10:00:00Z"))
                .body("windowEnd", equalTo("2026-11-26T10:30:00Z"));

        kafka.send(METRICS_TOPIC, key(service), golden("metric-sample.array", service));
        kafka.send(METRICS_TOPIC, key(service), golden("metric-sample.single", service));
        kafka.send(METRICS_TOPIC, key(service),
                errorRate(service, "2.0.0", 0.4, OffsetDateTime.parse("2026-11-26T10:01:20Z")).toString());

        ConsumerRecord<String, String> record = kafka.awaitRecord(ANOMALIES_TOPIC, r -> key(service).equals(r.key()));
        assertThat(EventContract.violations(record.value())).isEmpty();
        JsonNode expected = EventContract.parse(golden("dev.cdevents.incident.detected.0.3.0", service));
        assertThat(withoutGeneratedFields(EventContract.parse(record.value())))
                .isEqualTo(withoutGeneratedFields(expected));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), golden("dev.cdevents.service.rolledback.0.3.0", service));
        awaitVerification(service, "status", equalTo("ROLLED_BACK"))
                .body("windowEnd", equalTo("2026-11-26T10:01:23Z"));
    }

    @Test
    void aRolledBackDeploymentRaisesNoMoreAnomalies() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitVerification(service, "status", equalTo("WATCHING"));
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(100)), errorRate(service, "2.0.0", 0.3, secondsAgo(90)));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), rolledBack(deployment, secondsAgo(80)).toString());
        awaitVerification(service, "status", equalTo("ROLLED_BACK"));
        // The third bad sample comes after the rollback, the fourth would have completed a streak anyway.
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(70)), errorRate(service, "2.0.0", 0.3, secondsAgo(60)));

        anomalies(service).body("$", hasSize(0));
        awaitVerification(service, "samplesInWindow", equalTo(2));
    }

    @Test
    void aDuplicateDeploymentEventStartsOneWindow() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        String windowStart = awaitVerification(service, "status", equalTo("WATCHING"))
                .extract().path("windowStart");
        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));
        anomalies(service).body("$", hasSize(1));

        // Redelivered after the anomaly: applied again, it would reopen the window for a second anomaly.
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        String marker = uniqueService();
        kafka.send(DEPLOYMENTS_TOPIC, key(marker), upgraded(marker, "1.0.0", secondsAgo(5)).toString());
        // One partition, processed in order: once the marker is seen, the duplicate has been handled.
        awaitVerification(marker, "status", equalTo("WATCHING"));

        awaitVerification(service, "status", equalTo("ANOMALY_DETECTED"))
                .body("windowStart", equalTo(windowStart))
                .body("deploymentId", equalTo(deploymentId(deployment)));
        post(errorRate(service, "2.0.0", 0.4, secondsAgo(3)), errorRate(service, "2.0.0", 0.4, secondsAgo(2)),
                errorRate(service, "2.0.0", 0.4, secondsAgo(1)));
        anomalies(service).body("$", hasSize(1));
    }

    @Test
    void aNewerDeploymentTakesOverTheVerification() {
        String service = uniqueService();
        ObjectNode older = upgraded(service, "2.0.0", secondsAgo(300));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), older.toString());
        awaitVerification(service, "version", equalTo("2.0.0"));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "3.0.0", secondsAgo(200)).toString());
        awaitVerification(service, "version", equalTo("3.0.0")).body("status", equalTo("WATCHING"));

        post(errorRate(service, "2.0.0", 0.3, secondsAgo(30)), errorRate(service, "2.0.0", 0.3, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(10)));

        anomalies(service).body("$", hasSize(0));
    }

    @Test
    void malformedEventsAreDeadLetteredWithTheReasonAndTheNextEventIsProcessed() {
        String service = uniqueService();
        ObjectNode withoutDeploymentId = upgraded(service, "2.0.0", secondsAgo(60));
        ((ObjectNode) withoutDeploymentId.at("/data/customData")).remove("deploymentId");
        kafka.send(DEPLOYMENTS_TOPIC, key(service), "{not json");
        kafka.send(DEPLOYMENTS_TOPIC, key(service), withoutDeploymentId.toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.1", secondsAgo(30)).toString());

        List<ConsumerRecord<String, String>> deadLetters =
                kafka.awaitRecords(DEPLOYMENTS_TOPIC + ".dlq", r -> key(service).equals(r.key()), 2);
        assertThat(deadLetters).extracting(r -> KafkaTestClient.header(r, "dead-letter-reason")).satisfiesExactly(
                reason -> assertThat(reason).contains("not JSON"),
                reason -> assertThat(reason).contains("/customData/deploymentId"));
        awaitVerification(service, "status", equalTo("WATCHING")).body("version", equalTo("2.0.1"));
    }

    private static void post(ObjectNode... samples) {
        given().contentType(ContentType.JSON).body(JsonNodeFactory.instance.arrayNode().addAll(List.of(samples)).toString())
                .post("/api/v1/metrics").then()
                .statusCode(202)
                .body("accepted", equalTo(samples.length));
    }

    /** Ids and times the service makes up; everything else must be exactly as in the golden example. */
    private static JsonNode withoutGeneratedFields(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove(List.of("id", "time"));
        ((ObjectNode) copy.at("/data/context")).remove(List.of("id", "timestamp"));
        ((ObjectNode) copy.at("/data/subject")).remove("id");
        ((ObjectNode) copy.at("/data/customData")).remove("anomalyId");
        return copy;
    }
}
