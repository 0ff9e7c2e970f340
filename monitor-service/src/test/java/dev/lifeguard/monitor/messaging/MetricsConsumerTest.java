package dev.lifeguard.monitor.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
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
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.rfc3339;
import static dev.lifeguard.monitor.Fixtures.sample;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
class MetricsConsumerTest {

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Inject
    EntityManager entityManager;

    @Test
    void badSamplesOverKafkaRaiseExactlyOneAnomalyWithTheEvidence() {
        String service = uniqueService();
        ObjectNode deployment = watch(service, "2.0.0");
        OffsetDateTime first = secondsAgo(90);

        // An array record (with a metric the rule does not judge) and two single-sample records.
        kafka.send(METRICS_TOPIC, key(service), JsonNodeFactory.instance.arrayNode()
                .add(errorRate(service, "2.0.0", 0.21, first))
                .add(sample(service, "2.0.0", "latency_p99_ms", 840, first)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.34, first.plusSeconds(10)).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.4, first.plusSeconds(20)).toString());

        ConsumerRecord<String, String> record = kafka.awaitRecord(ANOMALIES_TOPIC, r -> key(service).equals(r.key()));
        assertThat(EventContract.violations(record.value())).isEmpty();
        JsonNode event = EventContract.parse(record.value());
        assertThat(event.path("subject").asText()).isEqualTo(key(service));
        assertThat(event.path("chainid").asText()).isEqualTo(deployment.path("chainid").asText());
        assertThat(event.at("/data/context/chainId").asText()).isEqualTo(deployment.path("chainid").asText());
        assertThat(event.at("/data/context/links/0/linkKind").asText()).isEqualTo("TRIGGER");
        assertThat(event.at("/data/context/links/0/target/contextId").asText()).isEqualTo(deployment.path("id").asText());
        assertThat(event.at("/data/subject/content/artifactId").asText()).isEqualTo("pkg:generic/" + service + "@2.0.0");
        JsonNode evidence = event.at("/data/customData");
        assertThat(event.at("/data/subject/id").asText()).isEqualTo(evidence.path("anomalyId").asText());
        assertThat(evidence.path("deploymentId").asText()).isEqualTo(deploymentId(deployment));
        assertThat(evidence.path("version").asText()).isEqualTo("2.0.0");
        assertThat(evidence.path("rule").asText()).isEqualTo("error_rate > 0.05 for 3 consecutive samples");
        assertThat(evidence.path("threshold").asDouble()).isEqualTo(0.05);
        assertThat(evidence.path("consecutiveSamples").asInt()).isEqualTo(3);
        assertThat(evidence.path("observedValues").toString()).isEqualTo("[0.21,0.34,0.4]");
        assertThat(evidence.path("firstSampleAt").asText()).isEqualTo(rfc3339(first));
        assertThat(evidence.path("lastSampleAt").asText()).isEqualTo(rfc3339(first.plusSeconds(20)));

        // A fourth bad sample, once processed, must not raise a second anomaly.
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.5, first.plusSeconds(30)).toString());
        awaitVerification(service, "samplesInWindow", equalTo(5))
                .body("status", equalTo("ANOMALY_DETECTED"))
                .body("anomalyId", equalTo(evidence.path("anomalyId").asText()));
        anomalies(service).body("$", hasSize(1))
                .body("[0].id", equalTo(evidence.path("anomalyId").asText()))
                .body("[0].chainId", equalTo(deployment.path("chainid").asText()));
        assertThat(outboxEventsFor(key(service))).isEqualTo(1);
    }

    @Test
    void samplesAtOrBelowTheThresholdRaiseNoAnomaly() {
        String service = uniqueService();
        watch(service, "2.0.0");
        OffsetDateTime first = secondsAgo(60);
        double[] values = {0.01, 0.05, 0.02, 0.05};
        for (int i = 0; i < values.length; i++) {
            kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", values[i], first.plusSeconds(i)).toString());
        }

        // Samples and their verdict commit together: once all are visible, the verdict is final.
        awaitVerification(service, "samplesInWindow", equalTo(values.length)).body("status", equalTo("WATCHING"));
        anomalies(service).body("$", hasSize(0));
    }

    @Test
    void anInterruptedStreakRaisesNoAnomaly() {
        String service = uniqueService();
        watch(service, "2.0.0");
        OffsetDateTime first = secondsAgo(60);
        double[] values = {0.2, 0.3, 0.01, 0.4, 0.5};
        for (int i = 0; i < values.length; i++) {
            kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", values[i], first.plusSeconds(i)).toString());
        }

        awaitVerification(service, "samplesInWindow", equalTo(values.length)).body("status", equalTo("WATCHING"));
        anomalies(service).body("$", hasSize(0));
    }

    @Test
    void malformedRecordsAreDeadLetteredWithTheReasonAndTheNextRecordIsProcessed() {
        String service = uniqueService();
        watch(service, "2.0.0");
        ObjectNode missingValue = errorRate(service, "2.0.0", 0.5, null);
        missingValue.remove("value");
        kafka.send(METRICS_TOPIC, key(service), "{not json");
        kafka.send(METRICS_TOPIC, key(service), missingValue.toString());
        kafka.send(METRICS_TOPIC, key(service), JsonNodeFactory.instance.arrayNode()
                .add(errorRate(service, "2.0.0", 0.5, null))
                .add(errorRate(service, "2.0.0", 0.5, null).put("value", "high")).toString());
        kafka.send(METRICS_TOPIC, key(service), errorRate(service, "2.0.0", 0.01, null).toString());

        List<ConsumerRecord<String, String>> deadLetters =
                kafka.awaitRecords(METRICS_TOPIC + ".dlq", r -> key(service).equals(r.key()), 3);
        assertThat(deadLetters).extracting(r -> KafkaTestClient.header(r, "dead-letter-reason")).satisfiesExactly(
                reason -> assertThat(reason).contains("not JSON"),
                reason -> assertThat(reason).contains("'value' is required"),
                reason -> assertThat(reason).contains("'[1].value' must be a number"));
        // The rejected array was refused as a whole: only the good record's sample is stored.
        awaitVerification(service, "samplesInWindow", equalTo(1));
    }

    private ObjectNode watch(String service, String version) {
        ObjectNode deployment = upgraded(service, version, secondsAgo(120));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitVerification(service, "status", equalTo("WATCHING"));
        return deployment;
    }

    private long outboxEventsFor(String key) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager
                .createQuery("select count(o) from OutboxEvent o where o.recordKey = :key", Long.class)
                .setParameter("key", key)
                .getSingleResult());
    }
}
