package dev.lifeguard.benchmark.live;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * P1: from the conclusive bad sample's record to rollback-service's {@code rollback.requested} record, by the two
 * records' CreateTime. Each target: its 2.0.0 is deployed, two bad samples are taken (not conclusive yet: the
 * default spec fails on the third in a row), then the third is sent alone and timed. The third samples go out
 * paced, so that what is measured is how fast one failure is acted on, not a queue of them.
 */
final class ReactionBenchmark {

    /**
     * Five conclusive samples a second: one failure's reaction, not a queue of them (at 50 a second rollback-service,
     * one database transaction per event, is saturated and the figure measures its queue).
     */
    private static final long PACE_MILLIS = 200;

    private final BenchContext context;

    ReactionBenchmark(BenchContext context) {
        this.context = context;
    }

    /**
     * The whole reaction; the engine part (sample → incident.detected's CreateTime, when the engine processed the
     * sample); the anomaly's visibility (sample → received by a read_committed reader: the engine's transaction
     * committed); the rollback part (incident.detected → rollback.requested, CreateTimes).
     */
    record Reaction(Histogram total, Histogram engine, Histogram visible, Histogram rollback, int missing) {
    }

    Reaction run(String phase, int failures) {
        String prefix = context.run + "-" + phase + "-";
        List<String> services = new ArrayList<>();
        for (int i = 0; i < failures; i++) {
            services.add(prefix + i);
        }
        List<String> targets = services.stream().map(Workload::target).toList();
        try (RecordTimes progress = new RecordTimes(context.kafka, BenchContext.PROGRESS, key -> key.startsWith(prefix));
             RecordTimes anomalies = new RecordTimes(context.kafka, BenchContext.ANOMALIES, key -> key.startsWith(prefix));
             RecordTimes rollbacks = new RecordTimes(context.kafka, BenchContext.ROLLBACKS, key -> key.startsWith(prefix))) {
            context.deploy(services, phase);
            context.awaitAnalysesStarted(services, progress, phase, Duration.ofMinutes(3));
            for (String service : services) {
                for (int i = 0; i < 2; i++) {
                    context.events.send(new ProducerRecord<>(BenchContext.METRICS, Workload.target(service),
                            Workload.samples(service, Workload.BAD, 1)));
                }
            }
            context.events.flush();
            // the first two taken before the third is timed; under background load the lag seldom reaches 0
            long waitedFrom = System.nanoTime();
            while (context.kafka.groupLag(BenchContext.ENGINE_GROUP, BenchContext.METRICS) > 100
                    && System.nanoTime() - waitedFrom < Duration.ofSeconds(30).toNanos()) {
                BenchContext.pause(100);
            }
            BenchContext.pause(500);
            context.out.printf(Locale.ROOT, "  … %s: timing %d failures (one conclusive sample every %d ms)%n", phase,
                    failures, PACE_MILLIS);
            Map<String, Long> sentAt = new HashMap<>();
            for (String service : services) {
                long now = System.currentTimeMillis();
                String target = Workload.target(service);
                sentAt.put(target, now);
                context.events.send(new ProducerRecord<>(BenchContext.METRICS, null, now, target,
                        Workload.samples(service, Workload.BAD, 1)));
                BenchContext.pause(PACE_MILLIS);
            }
            context.events.flush();
            try {
                context.await(phase + ": rollbacks requested", Duration.ofSeconds(90), () -> rollbacks.seenAll(targets),
                        () -> String.format(Locale.ROOT, "%d of %d rollbacks requested, %d anomalies",
                                rollbacks.seen(targets), targets.size(), anomalies.seen(targets)));
            } catch (IllegalStateException e) {
                context.out.println("  ! " + e.getMessage());
            }
            Histogram total = histogram();
            Histogram engine = histogram();
            Histogram rollback = histogram();
            Histogram visible = histogram();
            int missing = 0;
            for (String target : targets) {
                Long requested = rollbacks.timestamp(target);
                Long detected = anomalies.timestamp(target);
                long sent = sentAt.get(target);
                if (requested == null) {
                    missing++;
                } else {
                    total.recordValue(Math.max(0, requested - sent));
                }
                if (detected != null) {
                    engine.recordValue(Math.max(0, detected - sent));
                    visible.recordValue(Math.max(0, anomalies.received(target) - sent));
                    if (requested != null) {
                        rollback.recordValue(Math.max(0, requested - detected));
                    }
                }
            }
            return new Reaction(total, engine, visible, rollback, missing);
        }
    }

    /** Milliseconds up to an hour, 3 significant digits. */
    static Histogram histogram() {
        return new Histogram(3_600_000L, 3);
    }
}
