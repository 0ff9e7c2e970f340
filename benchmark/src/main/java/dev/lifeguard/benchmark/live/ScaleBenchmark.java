package dev.lifeguard.benchmark.live;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * P6: {@code scaleDeployments} deployments under analysis at once in one monitor-service instance. Each gets a
 * few healthy samples at once, then one a minute (a realistic trickle: 167 samples/s for 10,000 targets)
 * while the instance's memory is read and P1 is measured again among them.
 */
final class ScaleBenchmark {

    private static final int INITIAL_SAMPLES = 5;
    /** One sample a minute per target, as P2's corpus is sampled: 167 records/s for 10,000 targets. */
    private static final long TRICKLE_PERIOD_MILLIS = 60_000;

    private final BenchContext context;

    ScaleBenchmark(BenchContext context) {
        this.context = context;
    }

    record Scale(int deployments, int started, long residentBytes, double heapUsedBytes, double heapAfterGcBytes,
                 boolean gcForced, ReactionBenchmark.Reaction reaction) {
    }

    Scale run(String phase) {
        int count = context.options.scaleDeployments();
        MonitorProbe monitor = context.monitors().get(0);
        String prefix = context.run + "-" + phase + "-";
        List<String> services = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            services.add(prefix + i);
        }
        List<String> targets = services.stream().map(Workload::target).toList();
        try (RecordTimes progress = new RecordTimes(context.kafka, BenchContext.PROGRESS, key -> key.startsWith(prefix));
             KafkaProducer<String, byte[]> producer = context.kafka.bulkProducer("bench-scale")) {
            context.deploy(services, phase);
            // rollback-service reads deployment events one transaction each: tens a second on a small machine
            context.awaitAnalysesStarted(services, progress, phase, Duration.ofMinutes(15));
            int started = (int) progress.seen(targets);
            for (String service : services) {
                producer.send(new ProducerRecord<>(BenchContext.METRICS, Workload.target(service),
                        Workload.samplesBytes(service, Workload.HEALTHY, INITIAL_SAMPLES)));
            }
            producer.flush();
            AtomicBoolean trickling = new AtomicBoolean(true);
            Thread trickle = new Thread(() -> {
                List<byte[]> one = services.stream().map(s -> Workload.samplesBytes(s, Workload.HEALTHY, 1)).toList();
                long start = System.nanoTime();
                long sent = 0;
                while (trickling.get()) {
                    long due = (long) ((System.nanoTime() - start) / 1e6 / TRICKLE_PERIOD_MILLIS * count);
                    while (sent < due) {
                        int index = (int) (sent % count);
                        producer.send(new ProducerRecord<>(BenchContext.METRICS, targets.get(index), one.get(index)));
                        sent++;
                    }
                    BenchContext.pause(5);
                }
            }, "bench-trickle");
            trickle.start();
            try {
                context.out.printf(Locale.ROOT, "  … %s: %,d analyses running, each with %d samples and one more every %d s;"
                        + " settling for 10 s%n", phase, started, INITIAL_SAMPLES, TRICKLE_PERIOD_MILLIS / 1000);
                BenchContext.pause(10_000);
                long resident = monitor.residentBytes();
                double heap = monitor.heapUsedBytes();
                boolean gc = monitor.fullGc();
                double heapAfterGc = gc ? monitor.heapUsedBytes() : Double.NaN;
                ReactionBenchmark.Reaction reaction = new ReactionBenchmark(context)
                        .run(phase + "-p1", context.options.scaleFailures());
                return new Scale(count, started, resident, heap, heapAfterGc, gc, reaction);
            } finally {
                trickling.set(false);
                try {
                    trickle.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
