package dev.lifeguard.benchmark.live;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P3: samples per second the engine takes, and how long a failure takes to be detected under load.
 * <ol>
 * <li>Saturation: records of {@code samplesPerRecord} healthy samples, each of one target (keyed by it, so
 * no repartitioning), round-robin over {@code loadTargets} targets with running analyses, sent as fast as the
 * engine takes them (the producer stays about 3 s of work ahead, so no backlog builds up). Throughput is the
 * growth of {@code lifeguard_monitor_samples_total{outcome="analysed"}} summed over the instances, over a fixed
 * window after a warm-up.</li>
 * <li>Steady load at 80 % of that throughput, with bad-sample triplets (one record each, for separate targets)
 * sent at even intervals: detection lag is the triplet record → {@code incident.detected} record.</li>
 * </ol>
 */
final class IngestBenchmark {

    /**
     * How far the producer may run ahead of what the engine took: three seconds of the engine's recent rate, at least
     * this many samples. Enough that the engine never waits for input (the count it is throttled by is scraped four
     * times a second); little enough that the backlog drains within seconds afterwards.
     */
    private static final long MIN_AHEAD_SAMPLES = 100_000;
    static final double STEADY_SHARE = 0.8;

    private final BenchContext context;

    IngestBenchmark(BenchContext context) {
        this.context = context;
    }

    record Ingest(int instances, double samplesPerSecond, double steadySamplesPerSecond, Histogram detection,
                  int missing) {
    }

    Ingest run(String phase) {
        BenchOptions options = context.options;
        List<MonitorProbe> monitors = context.monitors();
        String prefix = context.run + "-" + phase + "-";
        List<String> load = new ArrayList<>();
        for (int i = 0; i < options.loadTargets(); i++) {
            load.add(prefix + "load-" + i);
        }
        List<String> probes = new ArrayList<>();
        for (int i = 0; i < options.probes(); i++) {
            probes.add(prefix + "probe-" + i);
        }
        List<String> all = new ArrayList<>(load);
        all.addAll(probes);
        try (RecordTimes progress = new RecordTimes(context.kafka, BenchContext.PROGRESS, key -> key.startsWith(prefix));
             RecordTimes anomalies = new RecordTimes(context.kafka, BenchContext.ANOMALIES, key -> key.startsWith(prefix));
             KafkaProducer<String, byte[]> producer = context.kafka.bulkProducer("bench-load-" + phase)) {
            context.deploy(all, phase);
            context.awaitAnalysesStarted(all, progress, phase, Duration.ofMinutes(3));
            List<String> keys = load.stream().map(Workload::target).toList();
            List<byte[]> payloads = load.stream()
                    .map(service -> Workload.samplesBytes(service, Workload.HEALTHY, options.samplesPerRecord())).toList();

            // 1. saturation
            AtomicLong sent = new AtomicLong();
            AtomicLong taken = new AtomicLong();
            AtomicLong ahead = new AtomicLong(MIN_AHEAD_SAMPLES);
            double analysedAtStart = context.analysed(monitors);
            AtomicBoolean saturate = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                int next = 0;
                while (saturate.get()) {
                    if (sent.get() - taken.get() > ahead.get()) {
                        BenchContext.pause(2);
                        continue;
                    }
                    producer.send(new ProducerRecord<>(BenchContext.METRICS, keys.get(next), payloads.get(next)));
                    sent.addAndGet(options.samplesPerRecord());
                    next = (next + 1) % keys.size();
                }
            }, "bench-saturate");
            sender.start();
            long startNanos = System.nanoTime();
            long warmUpEnd = startNanos + options.warmUp().toNanos();
            long end = warmUpEnd + options.saturation().toNanos();
            double windowStartCount = Double.NaN;
            long windowStartNanos = 0;
            long nextReport = startNanos + Duration.ofSeconds(5).toNanos();
            double lastCount = analysedAtStart;
            long lastNanos = startNanos;
            while (System.nanoTime() < end) {
                BenchContext.pause(250);
                double count = context.analysed(monitors);
                long now = System.nanoTime();
                taken.set((long) (count - analysedAtStart));
                ahead.set(Math.max(MIN_AHEAD_SAMPLES, (long) (3 * (count - lastCount) / ((now - lastNanos) / 1e9))));
                if (Double.isNaN(windowStartCount) && now >= warmUpEnd) {
                    windowStartCount = count;
                    windowStartNanos = now;
                }
                if (now >= nextReport) {
                    context.out.printf(Locale.ROOT, "  … %s saturated: %,.0f samples/s over the last %.0f s (%,d sent, %,.0f taken)%n",
                            phase, (count - lastCount) / ((now - lastNanos) / 1e9), (now - lastNanos) / 1e9, sent.get(),
                            count - analysedAtStart);
                    lastCount = count;
                    lastNanos = now;
                    nextReport = now + Duration.ofSeconds(5).toNanos();
                }
            }
            double windowEndCount = context.analysed(monitors);
            long windowEndNanos = System.nanoTime();
            saturate.set(false);
            join(sender);
            producer.flush();
            double throughput = (windowEndCount - windowStartCount) / ((windowEndNanos - windowStartNanos) / 1e9);
            context.await(phase + ": backlog drained", Duration.ofMinutes(2),
                    () -> context.kafka.groupLag(BenchContext.ENGINE_GROUP, BenchContext.METRICS) == 0,
                    () -> "engine lag " + context.kafka.groupLag(BenchContext.ENGINE_GROUP, BenchContext.METRICS) + " records");

            // 2. steady load at 80 % with probes
            double rate = STEADY_SHARE * throughput;
            double recordsPerSecond = rate / options.samplesPerRecord();
            context.out.printf(Locale.ROOT, "  … %s: steady load of %,.0f samples/s for %d s with %d timed failures%n",
                    phase, rate, options.steadyLoad().toSeconds(), probes.size());
            Map<String, Long> probeSentAt = new HashMap<>();
            double steadyStart = context.analysed(monitors);
            long steadyStartNanos = System.nanoTime();
            long steadyEnd = steadyStartNanos + options.steadyLoad().toNanos();
            long probeEvery = options.steadyLoad().toNanos() / (probes.size() + 1);
            long recordsSent = 0;
            int probesSent = 0;
            int next = 0;
            long now;
            while ((now = System.nanoTime()) < steadyEnd) {
                long due = (long) ((now - steadyStartNanos) / 1e9 * recordsPerSecond);
                while (recordsSent < due) {
                    producer.send(new ProducerRecord<>(BenchContext.METRICS, keys.get(next), payloads.get(next)));
                    next = (next + 1) % keys.size();
                    recordsSent++;
                }
                if (probesSent < probes.size() && now - steadyStartNanos >= (probesSent + 1) * probeEvery) {
                    String service = probes.get(probesSent++);
                    long at = System.currentTimeMillis();
                    probeSentAt.put(Workload.target(service), at);
                    context.events.send(new ProducerRecord<>(BenchContext.METRICS, null, at, Workload.target(service),
                            Workload.samples(service, Workload.BAD, 3)));
                }
                BenchContext.pause(1);
            }
            double steadyRate = (context.analysed(monitors) - steadyStart) / ((System.nanoTime() - steadyStartNanos) / 1e9);
            producer.flush();
            List<String> probeTargets = new ArrayList<>(probeSentAt.keySet());
            try {
                context.await(phase + ": probes detected", Duration.ofMinutes(2), () -> anomalies.seenAll(probeTargets),
                        () -> anomalies.seen(probeTargets) + " of " + probeTargets.size() + " detected");
            } catch (IllegalStateException e) {
                context.out.println("  ! " + e.getMessage());
            }
            Histogram detection = ReactionBenchmark.histogram();
            int missing = 0;
            for (String target : probeTargets) {
                Long detected = anomalies.timestamp(target);
                if (detected == null) {
                    missing++;
                } else {
                    detection.recordValue(Math.max(0, detected - probeSentAt.get(target)));
                }
            }
            context.await(phase + ": backlog drained", Duration.ofMinutes(2),
                    () -> context.kafka.groupLag(BenchContext.ENGINE_GROUP, BenchContext.METRICS) == 0,
                    () -> "engine lag " + context.kafka.groupLag(BenchContext.ENGINE_GROUP, BenchContext.METRICS) + " records");
            return new Ingest(monitors.size(), throughput, steadyRate, detection, missing);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
