package dev.lifeguard.rollback.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.rollback.Scenario;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Poison records go to {@code <topic>.dlq} with the reason, and the records after them are still handled. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class DeadLetterTest {

    @Test
    void malformedDeploymentEventsAreDeadLetteredAndTheNextOneIsTracked() {
        Scenario scenario = new Scenario();
        scenario.kafka.send(Scenario.DEPLOYMENTS, scenario.key(), "{not json");
        ObjectNode withoutDeploymentId = scenario.deployment("d-ignored", "1.0.0", null);
        withoutDeploymentId.withObject("/data/customData").remove("deploymentId");
        scenario.send(Scenario.DEPLOYMENTS, withoutDeploymentId);
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        scenario.awaitRollbackRequest();
        assertThat(deadLetterReasons(scenario, Scenario.DEPLOYMENTS))
                .anySatisfy(reason -> assertThat(reason).contains("not JSON"))
                .anySatisfy(reason -> assertThat(reason).contains("/customData/deploymentId"));
    }

    @Test
    void malformedAnomaliesAreDeadLetteredAndTheNextOneIsDecided() {
        Scenario scenario = new Scenario();
        scenario.deploy("1.0.0", null);
        String v2 = scenario.deploy("2.0.0", "1.0.0");
        scenario.kafka.send(Scenario.ANOMALIES, scenario.key(), "[\"an array, not an event\"]");
        ObjectNode withoutThreshold = scenario.anomaly(v2, "2.0.0");
        withoutThreshold.withObject("/data/customData").put("threshold", "high");
        scenario.send(Scenario.ANOMALIES, withoutThreshold);
        scenario.send(Scenario.ANOMALIES, scenario.anomaly(v2, "2.0.0"));

        scenario.awaitRollbackRequest();
        assertThat(deadLetterReasons(scenario, Scenario.ANOMALIES))
                .anySatisfy(reason -> assertThat(reason).contains("not a JSON object"))
                .anySatisfy(reason -> assertThat(reason).contains("/customData/threshold"));
    }

    private static List<String> deadLetterReasons(Scenario scenario, String topic) {
        List<ConsumerRecord<String, String>> deadLetters = scenario.kafka.awaitRecords(topic + ".dlq",
                record -> scenario.key().equals(record.key()), 2);
        return deadLetters.stream().map(record -> KafkaTestClient.header(record, "dead-letter-reason")).toList();
    }
}
