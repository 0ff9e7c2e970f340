package dev.lifeguard.monitor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.Fixtures;
import dev.lifeguard.monitor.service.AnalysisReadModel;
import dev.lifeguard.testsupport.EventContract;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.KafkaTestClient;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import dev.lifeguard.testsupport.PrometheusResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.lifeguard.monitor.Fixtures.DEPLOYMENTS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.METRICS_TOPIC;
import static dev.lifeguard.monitor.Fixtures.awaitAnalysis;
import static dev.lifeguard.monitor.Fixtures.awaitAnalysisWithId;
import static dev.lifeguard.monitor.Fixtures.deploymentId;
import static dev.lifeguard.monitor.Fixtures.errorRate;
import static dev.lifeguard.monitor.Fixtures.key;
import static dev.lifeguard.monitor.Fixtures.rolledBack;
import static dev.lifeguard.monitor.Fixtures.secondsAgo;
import static dev.lifeguard.monitor.Fixtures.uniqueService;
import static dev.lifeguard.monitor.Fixtures.upgraded;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

/**
 * The failure-mode checklist for the analysis engine (a Kafka Streams application, exactly once) and for the read
 * model built from its snapshots: twice, out of order, after a replay or topic reset, with the database down, with
 * two instances (one of them dying), across a broker restart. Nothing is lost and nothing is judged twice: each
 * analysis ends in exactly one verdict.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
@QuarkusTestResource(PrometheusResource.class)
class EngineFailureModesTest {

    private static final String ANALYSES_TOPIC = "lifeguard.analyses";

    private final KafkaTestClient kafka = KafkaTestClient.forTestBroker();

    @Inject
    KafkaStreams streams;

    @Inject
    AnalysisTopology topology;

    @Inject
    AnalysisReadModel readModel;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    // --- twice -------------------------------------------------------------------------------------------------

    @Test
    void aRepeatedDeploymentEventAndRepeatedSamplesMakeOneAnalysisAndOneVerdict() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(60));
        String samples = List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20))).toString();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(METRICS_TOPIC, key(service), samples);
        kafka.send(METRICS_TOPIC, key(service), samples);
        awaitAnalysis(service, "samples", equalTo(2)).body("status", equalTo("RUNNING"));

        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());

        awaitAnalysis(service, "status", equalTo("FAILED")).body("samples", equalTo(3));
        assertThat(verdictsOf(service, 1)).hasSize(1);
        // and one audit entry of its end: written with the verdict, so never twice
        java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> ended =
                record -> record.value().contains("\"analysis.ended\"") && record.value().contains(key(service));
        kafka.awaitRecords("lifeguard.audit", ended, 1);
        assertThat(kafka.readAll("lifeguard.audit").stream().filter(ended)).hasSize(1);
    }

    @Test
    void aRollbackDeliveredThreeTimesOpensOneAnalysisOfTheRestoredVersionWithOneVerdictAndOneAnomaly() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(90));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(80)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(70)), errorRate(service, "2.0.0", 0.3, secondsAgo(60))).toString());
        awaitAnalysis(service, "status", equalTo("FAILED"));
        ObjectNode rollback = rolledBack(deployment, secondsAgo(50));
        String restored = rollback.at("/data/customData/restoredDeploymentId").asText();
        String rollbackId = rollback.at("/data/customData/rollbackId").asText();

        kafka.send(DEPLOYMENTS_TOPIC, key(service), rollback.toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), rollback.toString());
        awaitAnalysis(service, "analysisId", equalTo(restored + "@" + rollbackId)).body("status", equalTo("RUNNING"));
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "1.0.0", 0.3, secondsAgo(40)),
                errorRate(service, "1.0.0", 0.3, secondsAgo(30)), errorRate(service, "1.0.0", 0.3, secondsAgo(20))).toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), rollback.toString());

        awaitAnalysis(service, "status", equalTo("FAILED")).body("rollbackId", equalTo(rollbackId))
                .body("deploymentId", equalTo(restored)).body("samples", equalTo(3));
        List<JsonNode> verdicts = verdictsOf(service, 2);
        assertThat(verdicts).extracting(verdict -> verdict.at("/data/subject/content/deploymentId").asText())
                .containsExactly(deploymentId(deployment), restored);
        assertThat(verdicts.get(1).at("/data/subject/content/rollbackId").asText()).isEqualTo(rollbackId);
        Fixtures.anomalies(service).body("deploymentId", containsInAnyOrder(deploymentId(deployment), restored));
    }

    @Test
    void aStepStartedDeliveredTwiceAndAgainAfterItsVerdictMakesOneStepAnalysisAndOneVerdict() {
        String service = uniqueService();
        String deploymentId = "d-" + UUID.randomUUID();
        ObjectNode step = Fixtures.stepStarted(service, deploymentId, "2.0.1", "1.0.0", 1, "PT15S", secondsAgo(5));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), step.toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service), step.toString());
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.1", 0.01, secondsAgo(4)),
                errorRate(service, "2.0.1", 0.01, secondsAgo(3)), errorRate(service, "2.0.1", 0.01, secondsAgo(2))).toString());
        awaitAnalysis(service, "status", equalTo("PASSED")).body("analysisId", equalTo(deploymentId + "#1"))
                .body("samples", equalTo(3));

        kafka.send(DEPLOYMENTS_TOPIC, key(service), step.toString());
        // the next step on the same partition: once it runs, the repeat before it was taken (and opened nothing)
        kafka.send(DEPLOYMENTS_TOPIC, key(service),
                Fixtures.stepStarted(service, deploymentId, "2.0.1", "1.0.0", 3, "PT1M", secondsAgo(0)).toString());
        awaitAnalysis(service, "analysisId", equalTo(deploymentId + "#3")).body("status", equalTo("RUNNING"));

        List<JsonNode> verdicts = verdictsOf(service, 1);
        assertThat(verdicts).hasSize(1);
        assertThat(verdicts.get(0).at("/data/subject/content/analysisId").asText()).isEqualTo(deploymentId + "#1");
        assertThat(verdicts.get(0).at("/data/subject/content/outcome").asText()).isEqualTo("passed");
    }

    // --- out of order ------------------------------------------------------------------------------------------

    @Test
    void aStepStartedOlderThanTheRunningStepAnalysisOpensNothing() {
        String service = uniqueService();
        String deploymentId = "d-" + UUID.randomUUID();
        kafka.send(DEPLOYMENTS_TOPIC, key(service),
                Fixtures.stepStarted(service, deploymentId, "2.0.1", "1.0.0", 3, "PT5M", secondsAgo(10)).toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(service),
                Fixtures.stepStarted(service, deploymentId, "2.0.1", "1.0.0", 1, "PT5M", secondsAgo(60)).toString());
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.1", 0.3, secondsAgo(9)),
                errorRate(service, "2.0.1", 0.3, secondsAgo(8)), errorRate(service, "2.0.1", 0.3, secondsAgo(7))).toString());

        awaitAnalysis(service, "status", equalTo("FAILED")).body("analysisId", equalTo(deploymentId + "#3"))
                .body("rolloutStep", equalTo(3));
        given().queryParam("service", service).get("/api/v1/analyses").then().statusCode(200)
                .body("analysisId", containsInAnyOrder(deploymentId + "#3"));
        JsonNode anomaly = EventContract.parse(kafka.awaitRecord("lifeguard.anomalies",
                record -> key(service).equals(record.key())).value());
        assertThat(anomaly.at("/data/customData/rolloutStep").asInt()).isEqualTo(3);
        assertThat(verdictsOf(service, 1)).hasSize(1);
    }

    @Test
    void aRollbackBeforeItsDeploymentAndSamplesBeforeTheirDeploymentAreAppliedWhenItArrives() {
        String rolledBackFirst = uniqueService();
        ObjectNode deployment = upgraded(rolledBackFirst, "2.0.0", secondsAgo(60));
        ObjectNode rollback = rolledBack(deployment, secondsAgo(30));
        kafka.send(DEPLOYMENTS_TOPIC, key(rolledBackFirst), rollback.toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(rolledBackFirst), deployment.toString());
        awaitAnalysisWithId(rolledBackFirst, deploymentId(deployment), "status", equalTo("INCONCLUSIVE"));
        awaitAnalysisWithId(rolledBackFirst, deploymentId(deployment), "endedBy", equalTo("rollback"));
        // the version that runs again is analysed from the rollback on
        awaitAnalysis(rolledBackFirst, "rollbackId", equalTo(rollback.at("/data/customData/rollbackId").asText()))
                .body("status", equalTo("RUNNING")).body("version", equalTo("1.0.0"))
                .body("deploymentId", equalTo(rollback.at("/data/customData/restoredDeploymentId").asText()));

        String samplesFirst = uniqueService();
        kafka.send(METRICS_TOPIC, key(samplesFirst), List.of(errorRate(samplesFirst, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(samplesFirst, "2.0.0", 0.3, secondsAgo(20)), errorRate(samplesFirst, "2.0.0", 0.3, secondsAgo(10)))
                .toString());
        kafka.send(DEPLOYMENTS_TOPIC, key(samplesFirst), upgraded(samplesFirst, "2.0.0", secondsAgo(60)).toString());
        awaitAnalysis(samplesFirst, "status", equalTo("FAILED")).body("samples", equalTo(3));
    }

    @Test
    void anOlderSnapshotNeverOverwritesANewerOneInTheReadModel() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(60));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20)), errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString());
        awaitAnalysis(service, "status", equalTo("FAILED"));
        List<ConsumerRecord<String, String>> snapshots = kafka.awaitRecords("lifeguard.monitor.analysis-progress",
                record -> key(service).equals(record.key()), 2);

        // the first snapshot (RUNNING) delivered again, after the last: the read model keeps the last
        readModel.take(snapshots.get(0).value());
        readModel.take(snapshots.get(snapshots.size() - 1).value());
        readModel.take(snapshots.get(0).value());

        awaitAnalysis(service, "status", equalTo("FAILED"));
    }

    // --- after a topic reset (a replay of everything) ----------------------------------------------------------

    @Test
    void replayingATargetsWholeHistoryJudgesNothingTwice() {
        String service = uniqueService();
        ObjectNode deployment = upgraded(service, "2.0.0", secondsAgo(60));
        String samples = List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20)), errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(METRICS_TOPIC, key(service), samples);
        awaitAnalysis(service, "status", equalTo("FAILED"));

        // as after offsets reset to the beginning, or producers re-sending what they sent
        kafka.send(DEPLOYMENTS_TOPIC, key(service), deployment.toString());
        kafka.send(METRICS_TOPIC, key(service), samples);
        ObjectNode later = upgraded(service, "3.0.0", secondsAgo(5));
        kafka.send(DEPLOYMENTS_TOPIC, key(service), later.toString());
        awaitAnalysis(service, "version", equalTo("3.0.0"));

        List<JsonNode> verdicts = verdictsOf(service, 1);
        assertThat(verdicts).hasSize(1);
        assertThat(verdicts.get(0).at("/data/subject/content/deploymentId").asText()).isEqualTo(deploymentId(deployment));
    }

    // --- database down -----------------------------------------------------------------------------------------

    @Test
    void theEngineJudgesWhileTheDatabaseIsDownAndTheReadModelCatchesUpAfter() {
        String service = uniqueService();
        try (PostgresResource.Outage outage = PostgresResource.outage()) {
            kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());
            given().contentType("application/json").body(List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                    errorRate(service, "2.0.0", 0.3, secondsAgo(20)), errorRate(service, "2.0.0", 0.3, secondsAgo(10)))
                    .toString()).post("/api/v1/metrics").then().statusCode(202);
            JsonNode verdict = EventContract.parse(kafka.awaitRecord(ANALYSES_TOPIC,
                    record -> key(service).equals(record.key())).value());
            assertThat(verdict.at("/data/subject/content/outcome").asText()).isEqualTo("failed");
        }
        awaitAnalysis(service, "status", equalTo("FAILED")).body("samples", equalTo(3));
    }

    // --- two instances -----------------------------------------------------------------------------------------

    @Test
    void twoInstancesShareThePartitionsAndADeadInstancesAnalysesMoveWithTheirState() throws Exception {
        KafkaStreams second = new KafkaStreams(topology.topology(), secondInstance());
        try {
            second.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> second.state() == KafkaStreams.State.RUNNING
                    && streams.state() == KafkaStreams.State.RUNNING && !activePartitions(second).isEmpty()
                    && !activePartitions(streams).isEmpty());
            Set<Integer> secondsPartitions = activePartitions(second);
            String service = serviceOnPartitionOf(secondsPartitions);

            kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());
            kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                    errorRate(service, "2.0.0", 0.3, secondsAgo(20))).toString());
            awaitAnalysis(service, "samples", equalTo(2)).body("status", equalTo("RUNNING"));

            second.close(Duration.ZERO);
            kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString());

            // the survivor took over the partition and restored the two samples from the changelog
            awaitAnalysis(service, "status", equalTo("FAILED")).body("samples", equalTo(3))
                    .body("metrics[0].evidence.size()", equalTo(3));
            assertThat(verdictsOf(service, 1)).hasSize(1);
        } finally {
            second.close(Duration.ofSeconds(10));
        }
    }

    // --- broker restart ----------------------------------------------------------------------------------------

    @Test
    void anAnalysisRunningAcrossABrokerRestartKeepsItsSamplesAndEndsOnce() {
        String service = uniqueService();
        kafka.send(DEPLOYMENTS_TOPIC, key(service), upgraded(service, "2.0.0", secondsAgo(60)).toString());
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(30)),
                errorRate(service, "2.0.0", 0.3, secondsAgo(20))).toString());
        awaitAnalysis(service, "samples", equalTo(2));

        KafkaBrokerResource.broker().stopBroker();
        KafkaBrokerResource.broker().startBroker();
        kafka.send(METRICS_TOPIC, key(service), List.of(errorRate(service, "2.0.0", 0.3, secondsAgo(10))).toString());

        awaitAnalysis(service, "status", equalTo("FAILED")).body("samples", equalTo(3));
        assertThat(verdictsOf(service, 1)).hasSize(1);
    }

    private List<JsonNode> verdictsOf(String service, int atLeast) {
        kafka.awaitRecords(ANALYSES_TOPIC, record -> key(service).equals(record.key()), atLeast);
        return kafka.readAll(ANALYSES_TOPIC).stream().filter(record -> key(service).equals(record.key()))
                .map(record -> EventContract.parse(record.value())).toList();
    }

    private Properties secondInstance() throws Exception {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "lifeguard-monitor-analysis");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("second-engine").toString());
        properties.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        properties.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 3_000);
        properties.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        return properties;
    }

    private static Set<Integer> activePartitions(KafkaStreams instance) {
        return instance.metadataForLocalThreads().stream().map(ThreadMetadata::activeTasks).flatMap(Set::stream)
                .map(TaskMetadata::topicPartitions).flatMap(Set::stream)
                .filter(partition -> partition.topic().equals(METRICS_TOPIC)).map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }

    /** A new service whose key hashes (like the producers' default partitioner) onto one of the partitions. */
    private static String serviceOnPartitionOf(Set<Integer> partitions) {
        while (true) {
            String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
            byte[] key = key(service).getBytes(StandardCharsets.UTF_8);
            if (partitions.contains(Utils.toPositive(Utils.murmur2(key)) % 3)) {
                return service;
            }
        }
    }
}
