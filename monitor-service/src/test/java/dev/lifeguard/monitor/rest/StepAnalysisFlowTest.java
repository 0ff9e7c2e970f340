package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.EngineStores;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.PrometheusResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.awaitAnalysis;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.putSpec;
import static dev.lifeguard.monitor.Fixtures.rolloutRolledBack;
import static dev.lifeguard.monitor.Fixtures.sample;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.stepStarted;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static dev.lifeguard.monitor.rest.AnalysisFlowTest.ANALYSES_TOPIC;
import static dev.lifeguard.monitor.rest.AnalysisFlowTest.post;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.nullValue;

/**
 * Rollout steps analysed end to end over the real broker and PostgreSQL: deploy-service's step-started in, the canary
 * judged beside the stable version with the canary detector, the verdict and anomaly naming the step, the REST view
 * showing the step analysis; the abort's rollback opens no re-analysis, a promotion opens the full analysis.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
@QuarkusTestResource(PrometheusResource.class)
class StepAnalysisFlowTest {

    private static final String CANARY_SPEC = "{\"window\":\"30s\",\"interval\":\"1s\",\"minSamples\":3,\"metrics\":"
            + "[{\"metric\":\"latency\",\"detector\":\"canary\"}]}";

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();
    private final Random noise = new Random(3);

    @Inject
    KafkaStreams streams;

    @Test
    void aCanaryWorseThanTheStableVersionFailsItsStepAndTheAbortsRollbackOpensNoReanalysis() {
        String service = canaryTarget();
        String deploymentId = "d-" + UUID.randomUUID();
        ObjectNode step = stepStarted(service, deploymentId, "2.0.1", "1.0.0", 1, "PT40S", secondsAgo(30));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), step.toString());
        awaitAnalysis(service, "analysisId", equalTo(deploymentId + "#1")).body("rolloutStep", equalTo(1))
                .body("status", equalTo("RUNNING")).body("stableVersion", equalTo("1.0.0"));

        post(sideBySide(service, 300, 100, 29, 20));

        awaitAnalysis(service, "status", equalTo("FAILED")).body("analysisId", equalTo(deploymentId + "#1"))
                .body("rolloutStep", equalTo(1)).body("deploymentId", equalTo(deploymentId));
        JsonNode anomaly = EventContract.parse(kafka.awaitRecord("lifeguard.anomalies",
                record -> key(service).equals(record.key())).value());
        assertThat(EventContract.violations(anomaly.toString())).isEmpty();
        assertThat(anomaly.at("/data/customData/rolloutStep").asInt()).isEqualTo(1);
        assertThat(anomaly.at("/data/customData/analysisId").asText()).isEqualTo(deploymentId + "#1");
        assertThat(anomaly.at("/data/customData/detector").asText()).isEqualTo("canary");
        JsonNode verdict = EventContract.parse(kafka.awaitRecord(ANALYSES_TOPIC,
                record -> key(service).equals(record.key())).value());
        assertThat(EventContract.violations(verdict.toString())).isEmpty();
        assertThat(verdict.path("id").asText()).isEqualTo(AnalysisEvents.verdictEventIdOf(deploymentId + "#1"));
        assertThat(verdict.at("/data/subject/content/outcome").asText()).isEqualTo("failed");
        assertThat(verdict.at("/data/subject/content/rolloutStep").asInt()).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                dev.lifeguard.monitor.Fixtures.anomalies(service).body("analysisId", contains(deploymentId + "#1"))
                        .body("rolloutStep", contains(1)).body("deploymentId", contains(deploymentId)));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), rolloutRolledBack(step, "1.0.0", secondsAgo(0)).toString());
        // the next rollout of the target, after the rollback on the same partition: by then the rollback was applied
        String next = "d-" + UUID.randomUUID();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), stepStarted(service, next, "2.0.2", "1.0.0", 1, "PT1M", secondsAgo(0))
                .toString());
        awaitAnalysis(service, "analysisId", equalTo(next + "#1"));
        given().queryParam("service", service).get("/api/v1/analyses").then().statusCode(200)
                .body("analysisId", containsInAnyOrder(deploymentId + "#1", next + "#1"))
                .body("rollbackId", everyItem(nullValue()));
    }

    @Test
    void aCanaryLikeTheStableVersionPassesItsStepAndItsPromotionOpensTheFullAnalysis() {
        String service = canaryTarget();
        String deploymentId = "d-" + UUID.randomUUID();
        kafka.send(DEPLOYMENTS_TOPIC, key(service),
                stepStarted(service, deploymentId, "2.0.1", "1.0.0", 3, "PT35S", secondsAgo(20)).toString());
        awaitAnalysis(service, "analysisId", equalTo(deploymentId + "#3")).body("status", equalTo("RUNNING"));

        post(sideBySide(service, 100, 100, 19, 6));

        awaitAnalysis(service, "status", equalTo("PASSED")).body("analysisId", equalTo(deploymentId + "#3"))
                .body("rolloutStep", equalTo(3)).body("endedBy", equalTo("window"));
        JsonNode verdict = EventContract.parse(kafka.awaitRecord(ANALYSES_TOPIC,
                record -> key(service).equals(record.key())).value());
        assertThat(verdict.at("/data/subject/content/analysisId").asText()).isEqualTo(deploymentId + "#3");
        assertThat(verdict.at("/data/subject/content/outcome").asText()).isEqualTo("passed");

        ObjectNode promoted = upgraded(service, "2.0.1", secondsAgo(0));
        ((ObjectNode) promoted.at("/data/customData")).put("deploymentId", deploymentId);
        kafka.send(DEPLOYMENTS_TOPIC, key(service), promoted.toString());
        awaitAnalysis(service, "analysisId", equalTo(deploymentId)).body("status", equalTo("RUNNING"))
                .body("rolloutStep", nullValue()).body("version", equalTo("2.0.1"));
    }

    private String canaryTarget() {
        String service = uniqueService();
        putSpec(service, CANARY_SPEC);
        EngineStores.awaitSpecLive(streams, service, "\"canary\"");
        return service;
    }

    /** Latency of the canary (2.0.1) and the stable version (1.0.0), one each per second from then to then (ago). */
    private List<ObjectNode> sideBySide(String service, double canary, double stable, int fromSecondsAgo, int toSecondsAgo) {
        List<ObjectNode> samples = new ArrayList<>();
        for (int ago = fromSecondsAgo; ago >= toSecondsAgo; ago--) {
            samples.add(sample(service, "2.0.1", "latency", canary + noise.nextGaussian() * 5, secondsAgo(ago)));
            samples.add(sample(service, "1.0.0", "latency", stable + noise.nextGaussian() * 5, secondsAgo(ago)));
        }
        return samples;
    }
}
