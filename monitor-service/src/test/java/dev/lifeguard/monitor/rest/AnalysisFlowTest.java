package dev.lifeguard.monitor.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.EngineStores;
import dev.lifeguard.monitor.Fixtures;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.support.consumer.DeadLetters;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.PrometheusResource;
import dev.lifeguard.testsupport.PrometheusServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.lifeguard.monitor.Fixtures.ENVIRONMENT;
import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.METRICS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.anomalies;
import static dev.lifeguard.monitor.Fixtures.awaitAnalysis;
import static dev.lifeguard.monitor.Fixtures.deploymentId;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.putSpec;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The engine end to end over the real broker, the real PostgreSQL and a real Prometheus: deployment events and
 * samples in, anomalies and verdicts out, the REST read model in step.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
@QuarkusTestResource(PrometheusResource.class)
class AnalysisFlowTest {

    static final String ANALYSES_TOPIC = "lifeguard.analyses";

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Inject
    KafkaStreams streams;

    @Test
    void badSamplesFailTheAnalysisWithAnAnomalyAndAVerdictThatTheRestViewShows() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(60));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitAnalysis(service, "status", equalTo("RUNNING"));

        post(List.of(errorRate(service, "2.0.0", 0.21, secondsAgo(30)), errorRate(service, "2.0.0", 0.34, secondsAgo(20)),
                errorRate(service, "2.0.0", 0.4, secondsAgo(10))));

        ConsumerRecord<String, String> verdict = kafka.awaitRecord(ANALYSES_TOPIC, record -> key(service).equals(record.key()));
        assertThat(EventContract.violations(verdict.value())).isEmpty();
        JsonNode content = EventContract.parse(verdict.value()).at("/data/subject/content");
        assertThat(content.path("outcome").asText()).isEqualTo("failed");
        assertThat(content.path("deploymentId").asText()).isEqualTo(deploymentId(deployment));
        ConsumerRecord<String, String> anomaly = kafka.awaitRecord("lifeguard.anomalies", record -> key(service).equals(record.key()));
        assertThat(EventContract.violations(anomaly.value())).isEmpty();
        assertThat(EventContract.parse(anomaly.value()).at("/data/customData/anomalyId").asText())
                .isEqualTo(AnalysisEvents.anomalyId(deploymentId(deployment)));

        awaitAnalysis(service, "status", equalTo("FAILED"))
                .body("samples", equalTo(3))
                .body("version", equalTo("2.0.0"))
                .body("metrics[0].metric", equalTo("error_rate"))
                .body("metrics[0].detector", equalTo("threshold"))
                .body("metrics[0].verdict", equalTo("failed"))
                .body("metrics[0].evidence", hasSize(3))
                .body("reason", containsString("error_rate"));
        anomalies(service).body("$", hasSize(1)).body("[0].observedValues", hasSize(3))
                .body("[0].detector", equalTo("threshold"));
        given().queryParam("service", service).queryParam("status", "failed").get("/api/v1/analyses").then()
                .statusCode(200).body("$", hasSize(1));
    }

    @Test
    void anAnalysisShowsItsProgressWhileRunningAndPassesWhenItsWindowCloses() {
        String service = uniqueService();
        putSpec(service, "{\"window\":\"6s\",\"interval\":\"1s\",\"minSamples\":2,\"metrics\":[{\"metric\":\"error_rate\","
                + "\"detector\":\"threshold\",\"max\":0.05}]}");
        EngineStores.awaitSpecLive(streams, service, "\"6s\"");
        Instant deployedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode deployment = upgraded(service, "2.0.0", deployedAt.atOffset(java.time.ZoneOffset.UTC));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        post(List.of(errorRate(service, "2.0.0", 0.01, null), errorRate(service, "2.0.0", 0.02, null)));

        awaitAnalysis(service, "samples", equalTo(2)).body("status", equalTo("RUNNING"))
                .body("endsAt", equalTo(deployedAt.plusSeconds(6).toString()))
                .body("metrics[0].verdict", equalTo("running"));
        awaitAnalysis(service, "status", equalTo("PASSED")).body("endedBy", equalTo("window"));
        JsonNode verdict = EventContract.parse(kafka.awaitRecord(ANALYSES_TOPIC,
                record -> key(service).equals(record.key())).value());
        assertThat(verdict.at("/data/subject/content/outcome").asText()).isEqualTo("passed");
    }

    @Test
    void afterARollbackTheRestoredDeploymentIsAnalysedAgainAndTheRestViewShowsBothAnalyses() {
        String service = uniqueService();
        putSpec(service, "{\"window\":\"20s\",\"interval\":\"1s\",\"minSamples\":2,\"metrics\":[{\"metric\":\"error_rate\","
                + "\"detector\":\"threshold\",\"max\":0.05,\"failureLimit\":2}]}");
        EngineStores.awaitSpecLive(streams, service, "\"20s\"");
        // deployed 2 s ago: the rollback, now, is newer, whatever the clock's second
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(2));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        awaitAnalysis(service, "status", equalTo("RUNNING"));
        post(List.of(errorRate(service, "2.0.0", 0.3, null), errorRate(service, "2.0.0", 0.4, null)));
        awaitAnalysis(service, "status", equalTo("FAILED"));

        ObjectNode rollback = Fixtures.rolledBack(deployment, secondsAgo(0));
        String restored = rollback.at("/data/customData/restoredDeploymentId").asText();
        String rollbackId = rollback.at("/data/customData/rollbackId").asText();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), rollback.toString());
        awaitAnalysis(service, "rollbackId", equalTo(rollbackId))
                .body("analysisId", equalTo(restored + "@" + rollbackId))
                .body("deploymentId", equalTo(restored))
                .body("version", equalTo("1.0.0"))
                .body("status", equalTo("RUNNING"));
        post(List.of(errorRate(service, "1.0.0", 0.01, null), errorRate(service, "1.0.0", 0.02, null)));

        awaitAnalysis(service, "status", equalTo("PASSED")).body("deploymentId", equalTo(restored))
                .body("samples", equalTo(2));
        ConsumerRecord<String, String> verdict = kafka.awaitRecord(ANALYSES_TOPIC, record -> key(service).equals(record.key())
                && record.value().contains(rollbackId));
        assertThat(EventContract.violations(verdict.value())).isEmpty();
        JsonNode content = EventContract.parse(verdict.value()).at("/data/subject/content");
        assertThat(content.path("deploymentId").asText()).isEqualTo(restored);
        assertThat(content.path("outcome").asText()).isEqualTo("passed");
        given().queryParam("service", service).get("/api/v1/analyses").then().statusCode(200)
                .body("analysisId", contains(restored + "@" + rollbackId, deploymentId(deployment)))
                .body("status", contains("PASSED", "FAILED"));
    }

    @Test
    void thePrometheusProviderPullsEveryIntervalAndItsQueryIsInTheEvidence() {
        String service = uniqueService();
        PrometheusServer prometheus = PrometheusResource.server();
        Instant now = Instant.now();
        prometheus.write("http_error_ratio", Map.of("service", service, "version", "2.0.0"), List.of(
                PrometheusServer.sample(now.minusSeconds(20), 0.3), PrometheusServer.sample(now.minusSeconds(10), 0.4),
                PrometheusServer.sample(now, 0.5)));
        putSpec(service, "{\"window\":\"1m\",\"interval\":\"1s\",\"minSamples\":2,\"metrics\":[{\"metric\":\"error_ratio\","
                + "\"provider\":\"prometheus\",\"query\":\"http_error_ratio{service=\\\"{{service}}\\\",version=\\\"{{version}}\\\"}\","
                + "\"detector\":\"threshold\",\"max\":0.05,\"failureLimit\":2}]}");
        EngineStores.awaitSpecLive(streams, service, "prometheus");

        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(1)).toString());

        awaitAnalysis(service, "status", equalTo("FAILED"))
                .body("metrics[0].provider", equalTo("prometheus"))
                .body("metrics[0].query", containsString("service=\"" + service + "\""))
                .body("metrics[0].evidence[0].value", equalTo(0.5f))
                .body("samples", greaterThanOrEqualTo(2));
    }

    @Test
    void providerErrorsBeyondTheLimitEndTheAnalysisAsInconclusive() {
        String service = uniqueService();
        putSpec(service, "{\"window\":\"1m\",\"interval\":\"1s\",\"inconclusiveLimit\":1,\"metrics\":[{\"metric\":\"error_ratio\","
                + "\"provider\":\"prometheus\",\"query\":\"no_such_metric{service=\\\"{{service}}\\\"}\",\"detector\":\"threshold\","
                + "\"max\":0.05}]}");
        EngineStores.awaitSpecLive(streams, service, "no_such_metric");

        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(1)).toString());

        awaitAnalysis(service, "status", equalTo("INCONCLUSIVE"))
                .body("endedBy", equalTo("provider-errors"))
                .body("reason", containsString("empty result"))
                .body("metrics[0].providerErrors", equalTo(2));
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsReasonAndTheEngineGoesOn() {
        String service = uniqueService();
        kafka.send(METRICS_TOPIC, key(service), "{\"service\":\"" + service + "\",\"environment\":\"" + ENVIRONMENT
                + "\",\"version\":\"2.0.0\",\"metric\":\"error_rate\"}");
        ConsumerRecord<String, String> dead = kafka.awaitRecord(METRICS_TOPIC + ".dlq", record -> key(service).equals(record.key()));
        assertThat(KafkaTestClient.header(dead, DeadLetters.REASON)).contains("'value' is required");
        assertThat(KafkaTestClient.header(dead, DeadLetters.TOPIC)).isEqualTo(METRICS_TOPIC);

        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());
        post(List.of(errorRate(service, "2.0.0", 0.5, secondsAgo(3)), errorRate(service, "2.0.0", 0.5, secondsAgo(2)),
                errorRate(service, "2.0.0", 0.5, secondsAgo(1))));
        awaitAnalysis(service, "status", equalTo("FAILED"));
    }

    static void post(List<ObjectNode> samples) {
        given().contentType("application/json").body(samples.toString()).post("/api/v1/metrics").then().statusCode(202)
                .body("accepted", equalTo(samples.size()));
    }
}
