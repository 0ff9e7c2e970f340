package dev.lifeguard.benchmark.live;

import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.launcher.platform.ServiceInstance;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** One running bench platform and the clients the phases share. */
final class BenchContext implements AutoCloseable {

    static final String DEPLOYMENTS = "lifeguard.deployments";
    static final String METRICS = "lifeguard.metrics";
    static final String ANOMALIES = "lifeguard.anomalies";
    static final String ROLLBACKS = "lifeguard.rollbacks";
    static final String PROGRESS = "lifeguard.monitor.analysis-progress";
    static final String ENGINE_GROUP = "lifeguard-monitor-analysis";
    static final String ROLLBACK_GROUP = "lifeguard-rollback-service";

    final Platform platform;
    final BenchKafka kafka;
    final KafkaProducer<String, String> events;
    final BenchOptions options;
    final Results results;
    final PrintStream out;
    /** Prefix of every service name this run uses: targets never collide with an earlier run's. */
    final String run;

    BenchContext(Platform platform, BenchOptions options, Results results, PrintStream out, String run) {
        this.platform = platform;
        this.kafka = new BenchKafka(platform.kafkaBootstrapServers());
        this.events = kafka.eventProducer("bench-events");
        this.options = options;
        this.results = results;
        this.out = out;
        this.run = run;
    }

    List<MonitorProbe> monitors() {
        return platform.instances().stream().filter(instance -> instance.service() == LifeguardService.MONITOR)
                .map(instance -> new MonitorProbe(instance.url(), platform.pid(instance))).toList();
    }

    List<ServiceInstance> monitorInstances() {
        return platform.instances().stream().filter(instance -> instance.service() == LifeguardService.MONITOR).toList();
    }

    double analysed(List<MonitorProbe> monitors) {
        double sum = 0;
        for (MonitorProbe monitor : monitors) {
            double value = monitor.samples("analysed");
            sum += Double.isNaN(value) ? 0 : value;
        }
        return sum;
    }

    /** Announces a 1.0.0 → 2.0.0 deployment of each service; returns once the broker has them all. */
    void deploy(Collection<String> services, String phase) {
        int sent = 0;
        for (String service : services) {
            events.send(new ProducerRecord<>(DEPLOYMENTS, Workload.target(service),
                    Workload.upgraded(service, "d-" + service)));
            if (++sent % 2_000 == 0) {
                out.printf(Locale.ROOT, "  … %s: %,d of %,d deployment events sent%n", phase, sent, services.size());
            }
        }
        events.flush();
    }

    /**
     * Waits until the engine started an analysis of every target (its first progress snapshot) and rollback-service
     * has read every deployment, so that what is timed next is reaction, not start-up.
     */
    void awaitAnalysesStarted(Collection<String> services, RecordTimes progress, String phase, Duration bound) {
        List<String> targets = services.stream().map(Workload::target).toList();
        await(phase + ": analyses started", bound, () -> progress.seenAll(targets),
                () -> String.format(Locale.ROOT, "%,d of %,d analyses started", progress.seen(targets), targets.size()));
        await(phase + ": rollback-service has read the deployments", bound,
                () -> kafka.groupLag(ROLLBACK_GROUP, DEPLOYMENTS) == 0,
                () -> "rollback-service lag " + kafka.groupLag(ROLLBACK_GROUP, DEPLOYMENTS));
    }

    /** Polls every 100 ms, printing where it stands every 5 s; fails after {@code bound}. */
    void await(String what, Duration bound, BooleanSupplier done, Supplier<String> status) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long nextReport = start + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException(what + ": not done within " + bound.toSeconds() + " s (" + status.get()
                        + "); see the logs in " + platform.settings().logsDirectory());
            }
            if (now > nextReport) {
                out.printf(Locale.ROOT, "  … %s: %s (%.0f s)%n", what, status.get(), (now - start) / 1e9);
                nextReport = now + Duration.ofSeconds(5).toNanos();
            }
            pause(100);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        events.close(Duration.ofSeconds(5));
        kafka.close();
    }
}
