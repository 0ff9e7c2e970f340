package dev.lifeguard.monitor.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.detector.canary.CanaryDetector;
import dev.lifeguard.monitor.detector.cusum.CusumDetector;
import dev.lifeguard.monitor.detector.threshold.ThresholdDetector;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.monitor.provider.stream.StreamProvider;
import dev.lifeguard.monitor.spec.SpecReader;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.testsupport.EventContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * The engine's topology under Kafka's TopologyTestDriver, with the real detectors, readers and event builders:
 * a pure unit test of the topology's logic, wall clock under the test's control. Real-broker behaviour (exactly
 * once, failover, restarts) is tested in the Quarkus tests.
 */
final class EngineDriver implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final String METRICS = "lifeguard.metrics";
    static final String DEPLOYMENTS = "lifeguard.deployments";
    static final String SPECS = "lifeguard.analysis-specs";

    final TopologyTestDriver driver;
    final TestInputTopic<String, String> metrics;
    final TestInputTopic<String, String> deployments;
    final TestInputTopic<String, String> specs;
    final TestOutputTopic<String, String> anomalies;
    final TestOutputTopic<String, String> analyses;
    final TestOutputTopic<String, String> progress;
    final TestOutputTopic<String, String> audit;
    final TestOutputTopic<String, String> metricsDlq;
    final TestOutputTopic<String, String> deploymentsDlq;
    final EngineMetrics engineMetrics;
    final Instant start;

    EngineDriver(Instant start) {
        this.start = start;
        MonitorConfig config = new TestConfig();
        SpecReader specReader = new SpecReader(JSON, List.of(new ThresholdDetector(), new CanaryDetector(), new CusumDetector()),
                List.of(new StreamProvider()), config);
        engineMetrics = new EngineMetrics(new SimpleMeterRegistry());
        EngineContext engine = new EngineContext(config, specReader, new AnalysisEvents(JSON, config.eventSource()),
                engineMetrics, JSON);
        AnalysisTopology topology = new AnalysisTopology(config, engine, new MetricSampleReader(JSON), new CloudEventReader(JSON));
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/engine-test-" + System.nanoTime());
        driver = new TopologyTestDriver(topology.topology(), properties, start);
        StringSerializer out = new StringSerializer();
        StringDeserializer in = new StringDeserializer();
        metrics = driver.createInputTopic(METRICS, out, out, start, Duration.ZERO);
        deployments = driver.createInputTopic(DEPLOYMENTS, out, out, start, Duration.ZERO);
        specs = driver.createInputTopic(SPECS, out, out, start, Duration.ZERO);
        anomalies = driver.createOutputTopic("lifeguard.anomalies", in, in);
        analyses = driver.createOutputTopic("lifeguard.analyses", in, in);
        progress = driver.createOutputTopic("lifeguard.monitor.analysis-progress", in, in);
        audit = driver.createOutputTopic("lifeguard.audit", in, in);
        metricsDlq = driver.createOutputTopic(METRICS + ".dlq", in, in);
        deploymentsDlq = driver.createOutputTopic(DEPLOYMENTS + ".dlq", in, in);
    }

    Instant at(long secondsAfterStart) {
        return start.plusSeconds(secondsAfterStart);
    }

    /** A service.upgraded event from the golden example, renamed and re-timed. */
    void deploy(String service, String deploymentId, String version, String stableVersion, Instant at) {
        ObjectNode event = golden("dev.cdevents.service.upgraded.0.3.0.json");
        String id = "evt-" + deploymentId;
        event.put("id", id).put("time", at.toString()).put("subject", service + "/production");
        ObjectNode data = (ObjectNode) event.get("data");
        ((ObjectNode) data.get("context")).put("id", id).put("timestamp", at.toString());
        ((ObjectNode) data.get("subject")).put("id", service);
        ((ObjectNode) data.get("subject").get("content")).put("artifactId", "pkg:generic/" + service + "@" + version);
        ObjectNode custom = (ObjectNode) data.get("customData");
        custom.put("deploymentId", deploymentId).put("service", service).put("version", version);
        if (stableVersion == null) {
            custom.remove("stableVersion");
            custom.remove("previousVersion");
        } else {
            custom.put("stableVersion", stableVersion).put("previousVersion", stableVersion);
        }
        deployments.pipeInput(service + "/production", event.toString(), at);
    }

    /**
     * deploy-service's service.rolledback of {@code deploymentId}, restoring {@code restoredDeploymentId} (null: an
     * event from before issue 7, without it); the rollback id is {@code rollback-of-<deploymentId>}.
     */
    void rollBack(String service, String deploymentId, String toVersion, String restoredDeploymentId, Instant at) {
        rollBack(service, deploymentId, toVersion, restoredDeploymentId, "rollback-of-" + deploymentId, at);
    }

    void rollBack(String service, String deploymentId, String toVersion, String restoredDeploymentId, String rollbackId,
                  Instant at) {
        ObjectNode event = golden("dev.cdevents.service.rolledback.0.3.0.json");
        String id = "rb-" + rollbackId;
        event.put("id", id).put("time", at.toString()).put("subject", service + "/production");
        ObjectNode data = (ObjectNode) event.get("data");
        ((ObjectNode) data.get("context")).put("id", id).put("timestamp", at.toString());
        ((ObjectNode) data.get("subject")).put("id", service);
        ((ObjectNode) data.get("subject").get("content")).put("artifactId", "pkg:generic/" + service + "@" + toVersion);
        ObjectNode custom = (ObjectNode) data.get("customData");
        custom.put("deploymentId", deploymentId).put("service", service).put("toVersion", toVersion)
                .put("rollbackId", rollbackId);
        if (restoredDeploymentId == null) {
            custom.remove(List.of("restoredDeploymentId", "restoredEventId", "reportedBy"));
        } else {
            custom.put("restoredDeploymentId", restoredDeploymentId).put("restoredEventId", "evt-" + restoredDeploymentId);
        }
        deployments.pipeInput(service + "/production", event.toString(), at);
    }

    /**
     * deploy-service's {@code lifeguard-rollout.step-started} from the golden example: a pause step of {@code deploymentId}
     * at {@code stepIndex} asking for its analysis ({@code <deploymentId>#<stepIndex>}) over {@code window} (ISO-8601, null:
     * the spec's window).
     */
    void stepStarted(String service, String deploymentId, String version, String stableVersion, int stepIndex,
                     String window, Instant at) {
        ObjectNode event = rolloutEvent("dev.cdeventsx.lifeguard-rollout.step-started.0.1.0.json", service, deploymentId,
                version, stableVersion, stepIndex, "step-" + deploymentId + "-" + stepIndex, at);
        ObjectNode content = (ObjectNode) event.at("/data/subject/content");
        content.putObject("analysis").put("analysisId", deploymentId + "#" + stepIndex).put("window", window);
        content.putObject("step").put("kind", "pause").put("duration", window);
        deployments.pipeInput(service + "/production", event.toString(), at);
    }

    void rolloutAborted(String service, String deploymentId, String version, int stepIndex, Instant at) {
        deployments.pipeInput(service + "/production", rolloutEvent("dev.cdeventsx.lifeguard-rollout.aborted.0.1.0.json",
                service, deploymentId, version, "1.0.0", stepIndex, "aborted-" + deploymentId, at).toString(), at);
    }

    void rolloutPromoted(String service, String deploymentId, String version, int stepIndex, Instant at) {
        deployments.pipeInput(service + "/production", rolloutEvent("dev.cdeventsx.lifeguard-rollout.promoted.0.1.0.json",
                service, deploymentId, version, "1.0.0", stepIndex, "promoted-" + deploymentId, at).toString(), at);
    }

    private static ObjectNode rolloutEvent(String example, String service, String deploymentId, String version,
                                           String stableVersion, int stepIndex, String id, Instant at) {
        ObjectNode event = golden(example);
        event.put("id", id).put("time", at.toString()).put("subject", service + "/production");
        ObjectNode data = (ObjectNode) event.get("data");
        ((ObjectNode) data.get("context")).put("id", id).put("timestamp", at.toString());
        ((ObjectNode) data.get("subject")).put("id", deploymentId);
        ((ObjectNode) data.get("subject").get("content")).put("service", service).put("deploymentId", deploymentId)
                .put("version", version).put("stableVersion", stableVersion).put("stepIndex", stepIndex)
                .put("artifactId", "pkg:generic/" + service + "@" + version);
        return event;
    }

    /** The service.rolledback of a rollout's abort: {@code rolloutAborted: true}, rollback id {@code abort-<id>}. */
    void rolloutRolledBack(String service, String deploymentId, String toVersion, String stableDeploymentId,
                           boolean flagged, Instant at) {
        ObjectNode event = golden("dev.cdevents.service.rolledback.0.3.0.json");
        String id = "rb-abort-" + deploymentId;
        event.put("id", id).put("time", at.toString()).put("subject", service + "/production");
        ObjectNode data = (ObjectNode) event.get("data");
        ((ObjectNode) data.get("context")).put("id", id).put("timestamp", at.toString());
        ((ObjectNode) data.get("subject")).put("id", service);
        ((ObjectNode) data.get("subject").get("content")).put("artifactId", "pkg:generic/" + service + "@" + toVersion);
        ObjectNode custom = (ObjectNode) data.get("customData");
        custom.put("deploymentId", deploymentId).put("service", service).put("toVersion", toVersion)
                .put("rollbackId", "abort-" + deploymentId).put("restoredDeploymentId", stableDeploymentId);
        if (flagged) {
            custom.put("rolloutAborted", true);
        }
        deployments.pipeInput(service + "/production", event.toString(), at);
    }

    void sample(String service, String version, String metric, double value, Instant at) {
        metrics.pipeInput(service + "/production", sampleJson(service, version, metric, value, at), at);
    }

    static String sampleJson(String service, String version, String metric, double value, Instant at) {
        return "{\"service\":\"" + service + "\",\"environment\":\"production\",\"version\":\"" + version
                + "\",\"metric\":\"" + metric + "\",\"value\":" + value + ",\"timestamp\":\"" + at + "\"}";
    }

    void spec(String service, String specJson) {
        String record = "{\"data\":{\"customData\":{\"spec\":" + specJson + "}}}";
        specs.pipeInput(service + "/production", record, start);
    }

    /** Moves the wall clock on; window-closing punctuations run. */
    void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    List<JsonNode> verdicts() {
        return analyses.readValuesToList().stream().map(EngineDriver::json).toList();
    }

    /** The engine's progress snapshots (read model input) published since the last call, oldest first. */
    List<JsonNode> snapshots() {
        return progress.readValuesToList().stream().map(EngineDriver::json).toList();
    }

    /** The audit entries the engine wrote, with their keys. */
    List<org.apache.kafka.streams.test.TestRecord<String, String>> auditRecords() {
        return audit.readRecordsToList();
    }

    List<JsonNode> anomalyEvents() {
        return anomalies.readValuesToList().stream().map(EngineDriver::json).toList();
    }

    List<TestRecord<String, String>> deadSamples() {
        return metricsDlq.readRecordsToList();
    }

    static String header(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode golden(String name) {
        try {
            return (ObjectNode) JSON.readTree(java.nio.file.Files.readString(
                    EventContract.contractsDirectory().resolve("examples").resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }

    static final class TestConfig implements MonitorConfig {
        @Override public String eventSource() { return "/lifeguard/monitor-service"; }
        @Override public String anomaliesTopic() { return "lifeguard.anomalies"; }
        @Override public String analysesTopic() { return "lifeguard.analyses"; }
        @Override public String auditTopic() { return "lifeguard.audit"; }
        @Override public String metricsTopic() { return METRICS; }
        @Override public String deploymentsTopic() { return DEPLOYMENTS; }
        @Override public String specsTopic() { return SPECS; }
        @Override public String progressTopic() { return "lifeguard.monitor.analysis-progress"; }
        @Override public String defaultSpec() {
            return "{\"window\":\"30m\",\"minSamples\":3,\"metrics\":[{\"metric\":\"error_rate\",\"provider\":\"stream\","
                    + "\"detector\":\"threshold\",\"max\":0.05,\"failureLimit\":3}]}";
        }
        @Override public Duration clockSkew() { return Duration.ofMinutes(2); }
        @Override public Duration tick() { return Duration.ofSeconds(1); }
        @Override public Duration progressInterval() { return Duration.ofSeconds(1); }
        @Override public int earlySamplesPerTarget() { return 100; }
        @Override public Duration earlySamplesTtl() { return Duration.ofMinutes(10); }
        @Override public int baselineValues() { return 240; }
    }
}
