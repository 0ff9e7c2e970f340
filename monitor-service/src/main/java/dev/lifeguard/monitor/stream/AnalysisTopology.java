package dev.lifeguard.monitor.stream;

import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.event.AnalysisEvents;
import dev.lifeguard.monitor.event.MetricSampleReader;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.kafka.TopicProvisioner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;

/**
 * The analysis engine's Kafka Streams topology:
 * <pre>
 * lifeguard.metrics ──read──┬─ invalid ───────────────────────────────────────▶ lifeguard.metrics.dlq
 *                           ├─ keyed by target ─────────────┐
 *                           └─ not ── repartition by target ┤
 * lifeguard.deployments ─read┬─ started / rolled back ───────┼──▶ analyse ──┬─▶ lifeguard.anomalies
 *                            └─ invalid ─▶ lifeguard.deployments.dlq        ├─▶ lifeguard.analyses
 * lifeguard.analysis-specs ─▶ global store (specs, read at each start)      ├─▶ lifeguard.monitor.analysis-progress
 *                                                                           └─▶ lifeguard.metrics.dlq (bad samples)
 * </pre>
 * The metrics and deployments topics must have the same number of partitions: a target's records meet in one task.
 */
@ApplicationScoped
public class AnalysisTopology {

    static final String TARGETS_STORE = "analysis-targets";
    static final String BASELINES_STORE = "analysis-baselines";
    static final String DEADLINES_STORE = "analysis-deadlines";
    public static final String PULLS_STORE = "analysis-pulls";
    static final String SPECS_STORE = "analysis-specs";

    private final MonitorConfig config;
    private final EngineContext engine;
    private final MetricSampleReader sampleReader;
    private final CloudEventReader eventReader;

    public AnalysisTopology(MonitorConfig config, EngineContext engine, MetricSampleReader sampleReader,
                            CloudEventReader eventReader) {
        this.config = config;
        this.engine = engine;
        this.sampleReader = sampleReader;
        this.eventReader = eventReader;
    }

    @Produces
    public Topology topology() {
        Serde<String> text = Serdes.String();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TARGETS_STORE), text,
                new JsonSerde<>(TargetState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BASELINES_STORE), text,
                new JsonSerde<>(BaselineValues.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE), text, text));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PULLS_STORE), text,
                new JsonSerde<>(PullPlan.class)));
        builder.globalTable(config.specsTopic(), Consumed.with(text, text).withName("specs-in"),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(SPECS_STORE)
                        .withKeySerde(text).withValueSerde(text));

        Map<String, KStream<String, SampleRead>> samples = builder
                .stream(config.metricsTopic(), Consumed.with(text, text).withName("metrics-in"))
                .process(() -> new SampleReadProcessor(sampleReader, config.clockSkew(), engine.metrics()),
                        Named.as("read-samples"))
                .split(Named.as("samples-"))
                .branch((target, read) -> read.deadLetter(), Branched.as("dead"))
                .branch((target, read) -> read.keyedByTarget(), Branched.as("direct"))
                .defaultBranch(Branched.as("rekey"));
        samples.get("samples-dead").mapValues(SampleRead::original, Named.as("dead-samples"))
                .to(config.metricsTopic() + TopicProvisioner.DEAD_LETTER_SUFFIX, Produced.with(text, text));
        KStream<String, AnalysisInput> direct = samples.get("samples-direct")
                .mapValues(read -> AnalysisInput.of(read.batch()), Named.as("direct-samples"));
        KStream<String, AnalysisInput> rekeyed = samples.get("samples-rekey")
                .mapValues(SampleRead::batch, Named.as("rekey-samples"))
                .repartition(Repartitioned.with(text, new JsonSerde<>(SampleBatch.class)).withName("samples-by-target"))
                .mapValues(AnalysisInput::of, Named.as("rekeyed-samples"));

        Map<String, KStream<String, DeploymentRead>> deployments = builder
                .stream(config.deploymentsTopic(), Consumed.with(text, text).withName("deployments-in"))
                .process(() -> new DeploymentReadProcessor(eventReader), Named.as("read-deployments"))
                .split(Named.as("deployments-"))
                .branch((target, read) -> read.deadLetter(), Branched.as("dead"))
                .defaultBranch(Branched.as("changes"));
        deployments.get("deployments-dead").mapValues(DeploymentRead::original, Named.as("dead-deployments"))
                .to(config.deploymentsTopic() + TopicProvisioner.DEAD_LETTER_SUFFIX, Produced.with(text, text));
        KStream<String, AnalysisInput> changes = deployments.get("deployments-changes")
                .mapValues(read -> AnalysisInput.of(read.change()), Named.as("deployment-changes"));

        direct.merge(rekeyed, Named.as("all-samples")).merge(changes, Named.as("all-inputs"))
                .process(() -> new AnalysisProcessor(engine), Named.as("analyse"),
                        TARGETS_STORE, BASELINES_STORE, DEADLINES_STORE, PULLS_STORE)
                .split(Named.as("out-"))
                .branch((target, out) -> out.kind() == Outbound.Kind.ANOMALY, Branched.withConsumer(anomalies -> anomalies
                        .mapValues(Outbound::value).to(config.anomaliesTopic(), Produced.with(text, text))))
                .branch((target, out) -> out.kind() == Outbound.Kind.VERDICT, Branched.withConsumer(verdicts -> verdicts
                        .mapValues(Outbound::value).to(config.analysesTopic(), Produced.with(text, text))))
                .branch((target, out) -> out.kind() == Outbound.Kind.PROGRESS, Branched.withConsumer(progress -> progress
                        .mapValues(Outbound::value).to(config.progressTopic(), Produced.with(text, text))))
                // keyed by the actor, as every service's audit entries are
                .branch((target, out) -> out.kind() == Outbound.Kind.AUDIT, Branched.withConsumer(audit -> audit
                        .selectKey((target, out) -> AnalysisEvents.AUDIT_ACTOR, Named.as("audit-by-actor"))
                        .mapValues(Outbound::value).to(config.auditTopic(), Produced.with(text, text))))
                .defaultBranch(Branched.withConsumer(dead -> dead
                        .mapValues(Outbound::value).to(config.metricsTopic() + TopicProvisioner.DEAD_LETTER_SUFFIX,
                                Produced.with(text, text))));
        return builder.build();
    }
}
