package dev.lifeguard.monitor.provider;

import dev.lifeguard.monitor.service.ReportedSample;
import dev.lifeguard.monitor.service.SampleIntake;
import dev.lifeguard.monitor.stream.AnalysisTopology;
import dev.lifeguard.monitor.stream.PullPlan;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Asks pull providers for the samples of running analyses, once per interval, and puts what they return on the
 * metrics topic (a failure as an error report, which counts toward inconclusive). Each instance pulls only for the
 * analyses its engine owns (its partitions), found in the local {@code analysis-pulls} store. A pull is timestamped at
 * the end of its interval, so when a moved partition's new owner pulls the same interval again, the engine sees a
 * duplicate and takes it once.
 */
@ApplicationScoped
public class PullScheduler {

    private static final Logger LOG = Logger.getLogger(PullScheduler.class);

    private final KafkaStreams streams;
    private final SampleIntake intake;
    private final Map<String, MetricProvider> providers;
    /** Per analysis, the last interval pulled by this instance. */
    private final Map<String, Long> pulledUpTo = new ConcurrentHashMap<>();

    public PullScheduler(KafkaStreams streams, SampleIntake intake, @Any Instance<MetricProvider> providers) {
        this.streams = streams;
        this.intake = intake;
        this.providers = providers.stream().collect(Collectors.toMap(MetricProvider::name, Function.identity(), (a, b) -> a));
    }

    @Scheduled(every = "${lifeguard.monitor.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pullDue() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        List<PullPlan> plans = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, PullPlan> store = streams.store(StoreQueryParameters.fromNameAndType(
                    AnalysisTopology.PULLS_STORE, QueryableStoreTypes.<String, PullPlan>keyValueStore()));
            try (KeyValueIterator<String, PullPlan> all = store.all()) {
                all.forEachRemaining(entry -> plans.add(entry.value));
            }
        } catch (InvalidStateStoreException e) {
            return; // rebalancing: the next tick sees the new assignment
        }
        long now = System.currentTimeMillis();
        for (PullPlan plan : plans) {
            long interval = Math.min((now - plan.startedAt()) / plan.intervalMillis(),
                    (plan.endsAt() - plan.startedAt()) / plan.intervalMillis());
            Long done = pulledUpTo.get(pullKey(plan));
            if (interval < 1 || (done != null && interval <= done)) {
                continue;
            }
            pulledUpTo.put(pullKey(plan), interval);
            pull(plan, Instant.ofEpochMilli(plan.startedAt() + interval * plan.intervalMillis()));
        }
        pulledUpTo.keySet().retainAll(plans.stream().map(PullScheduler::pullKey).toList());
    }

    /** One analysis: a deployment is analysed again (from the rollback's time) after a rollback restored it. */
    private static String pullKey(PullPlan plan) {
        return plan.deploymentId() + "@" + plan.startedAt();
    }

    private void pull(PullPlan plan, Instant at) {
        List<ReportedSample> samples = new ArrayList<>();
        for (PullPlan.PulledMetric metric : plan.metrics()) {
            samples.add(measure(plan, metric, plan.version(), at));
            if (metric.stableToo()) {
                samples.add(measure(plan, metric, plan.stableVersion(), at));
            }
        }
        try {
            intake.send(samples);
        } catch (SampleIntake.NotAcceptedException e) {
            LOG.warnf("Pulled samples of %s/%s at %s not sent: %s", plan.service(), plan.environment(), at, e.getMessage());
        }
    }

    private ReportedSample measure(PullPlan plan, PullPlan.PulledMetric metric, String version, Instant at) {
        MetricProvider provider = providers.get(metric.provider());
        PullResult result = provider == null
                ? PullResult.failure(metric.query(), "no metric provider named '" + metric.provider() + "'")
                : provider.pull(new PullRequest(plan.service(), plan.environment(), version, metric.metric(),
                metric.query(), at));
        return new ReportedSample(plan.service(), plan.environment(), version, metric.metric(),
                result.failed() ? null : result.value(), at.atOffset(ZoneOffset.UTC), metric.provider(),
                metric.provider(), result.query(), result.failed() ? result.error() : null);
    }
}
