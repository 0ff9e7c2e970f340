package dev.lifeguard.reliability.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.reliability.Topology;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.client.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Drives the targets through the platform as a team's CI and metrics agent would, each on its own pipeline:
 * <ol>
 *   <li>v1 reported over REST ({@code POST /api/v1/deployments}, round-robin over the deploy instances);</li>
 *   <li>v2 as CI sends it: a bare CDEvent {@code service.upgraded} on {@code lifeguard.ci};</li>
 *   <li>once deploy-service shows v2, its error-rate samples dated just after v2's deployment time (inside its
 *   verification window), half produced to {@code lifeguard.metrics}, half posted to monitor-service.</li>
 * </ol>
 * Every input is retried until acknowledged: on a refused connection, a timeout, a 5xx or a failed produce. Retries
 * are safe by the platform's contract: re-reporting the running version is a no-op, a CI event is recognised by its
 * id, a dated sample by its identity. Target starts are spread evenly over the given period so that the faults hit
 * the workload mid-stream.
 */
public final class Workload implements AutoCloseable {

    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);
    private static final Duration V2_POLL = Duration.ofSeconds(1);
    private static final Duration ACK_BOUND = Duration.ofSeconds(50);
    private static final int PIPELINES = 32;

    private final String runId;
    private final int targetCount;
    private final List<String> deployUrls;
    private final List<String> monitorUrls;
    private final KafkaProducer<String, String> producer;
    private final Http http;
    private final Inputs inputs;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(daemon("workload-start"));
    private final ExecutorService pipelines = Executors.newFixedThreadPool(PIPELINES, daemon("workload"));
    private volatile Instant deadline = Instant.MAX;

    public Workload(String runId, int targetCount, List<String> deployUrls, List<String> monitorUrls,
                    KafkaProducer<String, String> producer, Http http, Inputs inputs) {
        this.runId = runId;
        this.targetCount = targetCount;
        this.deployUrls = List.copyOf(deployUrls);
        this.monitorUrls = List.copyOf(monitorUrls);
        this.producer = producer;
        this.http = http;
        this.inputs = inputs;
    }

    /**
     * Starts target i at i × spread / targets; every pipeline gives up at {@code deadline} (its target is then
     * reported as abandoned, with the step it was at).
     */
    public void start(Duration spread, Instant deadline) {
        this.deadline = deadline;
        long spacingMillis = spread.toMillis() / targetCount;
        for (int index = 0; index < targetCount; index++) {
            Target target = Target.of(runId, index);
            Inputs.TargetInputs record = inputs.register(target, UUID.randomUUID().toString(),
                    UUID.randomUUID().toString());
            starter.schedule(() -> pipelines.execute(() -> drive(record)), index * spacingMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Gives every pipeline until {@code deadline} at least, e.g. counted from when the last instance is back. */
    public void extendDeadline(Instant later) {
        if (later.isAfter(deadline)) {
            deadline = later;
        }
    }

    /** Waits until every pipeline finished or gave up; true when all finished in time. */
    public boolean awaitDone(Duration bound) {
        Instant until = Instant.now().plus(bound);
        while (Instant.now().isBefore(until)) {
            if (inputs.targets().stream().allMatch(target -> target.done())) {
                return true;
            }
            pause(Duration.ofMillis(500));
        }
        return false;
    }

    private void drive(Inputs.TargetInputs record) {
        Target target = record.target();
        try {
            if (!retry(() -> reportStableVersion(target))) {
                record.abandon("v1 not acknowledged by deploy-service (REST) before the deadline");
                return;
            }
            record.stableReported(true);
            if (!retry(() -> produce(Topology.CI, target.key(), ciEvent(record)))) {
                record.abandon("v2 CI event not acknowledged by Kafka before the deadline");
                return;
            }
            record.ciAcked(true);
            Optional<Instant> deployedAt = awaitNewVersion(record);
            if (deployedAt.isEmpty()) {
                record.abandon("v2 not shown by deploy-service before the deadline (CI event " + record.ciEventId()
                        + ")");
                return;
            }
            record.newVersionDeployedAt(deployedAt.get());
            List<Double> rates = target.errorRates();
            for (int i = 0; i < rates.size(); i++) {
                // a microsecond-exact time just after v2's deployment: inside its window, and the sample's identity
                Inputs.Sample sample = new Inputs.Sample(i, rates.get(i), deployedAt.get().plusMillis(i + 1L),
                        i % 2 == 0 ? Inputs.Transport.KAFKA : Inputs.Transport.REST);
                record.sampleSent();
                boolean acked = sample.via() == Inputs.Transport.KAFKA
                        ? retry(() -> produce(Topology.METRICS, target.key(), Json.write(sampleJson(target, sample))))
                        : retry(() -> postSample(target, sample));
                if (!acked) {
                    record.abandon("sample " + i + " (" + sample.via() + ") not acknowledged before the deadline");
                    return;
                }
                record.sampleAcked(sample);
            }
        } catch (RuntimeException e) {
            record.abandon("pipeline failed: " + e);
        } finally {
            record.finish();
        }
    }

    private boolean reportStableVersion(Target target) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", target.service());
        body.put("environment", Target.ENVIRONMENT);
        body.put("version", Target.STABLE_VERSION);
        body.put("team", Target.TEAM);
        String base = deployUrls.get(Math.floorMod(roundRobin.getAndIncrement(), deployUrls.size()));
        // A timed-out attempt may still be applied later; the key makes its retries the same request.
        return acknowledged(http.post(base + "/api/v1/deployments", Json.write(body),
                runId + "/" + target.service() + "/" + Target.STABLE_VERSION), target);
    }

    private boolean postSample(Target target, Inputs.Sample sample) {
        String base = monitorUrls.get(Math.floorMod(roundRobin.getAndIncrement(), monitorUrls.size()));
        return acknowledged(http.post(base + "/api/v1/metrics", Json.write(List.of(sampleJson(target, sample)))),
                target);
    }

    /** 2xx: acknowledged; no answer or 5xx: retry; 4xx: the suite sent something wrong, which is fatal. */
    private boolean acknowledged(Optional<Http.Response> response, Target target) {
        if (response.isPresent() && response.get().ok()) {
            return true;
        }
        if (response.isPresent() && response.get().status() < 500) {
            throw new IllegalStateException(target.service() + ": the platform refused an input: "
                    + response.get().status() + " " + response.get().body());
        }
        inputs.restRetry();
        return false;
    }

    private boolean produce(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(ACK_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            inputs.kafkaRetry();
            return false;
        }
    }

    /** Polls deploy-service until its history of the target holds the CI event's chain; returns v2's deployment time. */
    private Optional<Instant> awaitNewVersion(Inputs.TargetInputs record) {
        String path = "/api/v1/services/" + Http.encode(record.target().service()) + "/environments/"
                + Target.ENVIRONMENT;
        while (Instant.now().isBefore(deadline)) {
            String base = deployUrls.get(Math.floorMod(roundRobin.getAndIncrement(), deployUrls.size()));
            Optional<Http.Response> response = http.get(base + path);
            if (response.isPresent() && response.get().status() == 200) {
                for (JsonNode deployment : response.get().json().path("history")) {
                    if (record.chainId().equals(deployment.path("chainId").asText())) {
                        return parseTime(deployment.path("deployedAt").asText());
                    }
                }
            }
            pause(V2_POLL);
        }
        return Optional.empty();
    }

    private static Optional<Instant> parseTime(String text) {
        try {
            return Optional.of(java.time.OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A bare CDEvent {@code service.upgraded}, as a CI tool emits it, with its own id and chain. */
    private static String ciEvent(Inputs.TargetInputs record) {
        Target target = record.target();
        return CiEvents.upgraded(target.service(), Target.NEW_VERSION, record.ciEventId(), record.chainId(),
                Map.of("team", Target.TEAM, "commit", "c" + target.index()));
    }

    private static Map<String, Object> sampleJson(Target target, Inputs.Sample sample) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("service", target.service());
        json.put("environment", Target.ENVIRONMENT);
        json.put("version", Target.NEW_VERSION);
        json.put("metric", Target.METRIC);
        json.put("value", sample.value());
        json.put("timestamp", sample.timestamp().toString());
        return json;
    }

    /** Runs the attempt until it succeeds or the deadline passes, backing off from 250 ms to 2 s. */
    private boolean retry(BooleanSupplier attempt) {
        Duration wait = FIRST_RETRY;
        while (true) {
            if (attempt.getAsBoolean()) {
                return true;
            }
            if (!Instant.now().plus(wait).isBefore(deadline)) {
                return false;
            }
            pause(wait);
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        starter.shutdownNow();
        pipelines.shutdownNow();
    }
}
