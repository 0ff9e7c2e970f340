package dev.lifeguard.reliability;

import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.Platform;
import dev.lifeguard.reliability.client.Http;
import dev.lifeguard.reliability.client.Json;
import dev.lifeguard.reliability.client.Kafka;
import dev.lifeguard.reliability.fault.FaultInjector;
import dev.lifeguard.reliability.fault.FaultLog;
import dev.lifeguard.reliability.fault.MalformedRecords;
import dev.lifeguard.reliability.report.ResultTable;
import dev.lifeguard.reliability.verify.Verifier;
import dev.lifeguard.reliability.webhook.WebhookRecorder;
import dev.lifeguard.reliability.workload.Inputs;
import dev.lifeguard.reliability.workload.Target;
import dev.lifeguard.reliability.workload.Workload;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One chaos run against a running platform: a chat subscription to a recording webhook, then the workload and the
 * faults together for the fault window, then every instance back, a bounded wait for convergence, and the verdict.
 * Progress is printed as it happens, each line with the time since the run started.
 */
public final class ChaosRun {

    private static final Duration SUBSCRIBE_BOUND = Duration.ofSeconds(60);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** What a run found, and the texts to print. */
    public record Report(String runId, Verifier.Verification verification, List<FaultLog.Entry> faults,
                         Inputs.Counts counts, Duration elapsed, String text) {

        public boolean passed() {
            return verification.passed();
        }
    }

    private final Platform platform;
    private final ChaosOptions options;
    private final PrintStream out;
    private final String runId;
    private final long startNanos = System.nanoTime();
    /** Who the run acts as: the subject of its tokens, recorded by the services as the actor. */
    static final String ACTOR = "lifeguard-chaos";

    private final Http http = new Http(Duration.ofSeconds(10));

    public ChaosRun(Platform platform, ChaosOptions options, PrintStream out) {
        this(platform, options, out, randomRunId(new SecureRandom()));
    }

    ChaosRun(Platform platform, ChaosOptions options, PrintStream out, String runId) {
        this.platform = platform;
        this.options = options;
        this.out = out;
        this.runId = runId;
    }

    /** Five random letters or digits: every run has its own target names and markers. */
    static String randomRunId(Random random) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    public Report run() {
        say(String.format("chaos run %s: %d targets (svc-%s-000 …, every second one fails) over a %d s fault window;"
                        + " kill -9 every %d s, PostgreSQL frozen %d s at %d%%, Kafka restarted at %d%%, %d rounds of"
                        + " malformed records", runId, options.targets(), runId, options.faultWindow().toSeconds(),
                options.killEvery().toSeconds(), options.freezeFor().toSeconds(), (int) (ChaosOptions.FREEZE_AT * 100),
                (int) (ChaosOptions.KAFKA_RESTART_AT * 100), options.malformedRounds()));
        Inputs inputs = new Inputs();
        // tokens signed with the run's platform key, each of the least role: CI reports, everybody reads, the
        // subscription (to every service) is the platform's admin's
        Credentials credentials = platform.credentials();
        Http ci = http.as(credentials.supplier(ACTOR, Roles.CI));
        Http viewer = http.as(credentials.supplier(ACTOR, Roles.VIEWER));
        Http admin = http.as(credentials.supplier(ACTOR, Roles.ADMIN));
        // the fault injector's platform handle prints nothing: the run prints its own, shorter lines
        Platform faultTarget = Platform.attach(platform.settings(), line -> { });
        try (WebhookRecorder webhook = new WebhookRecorder("/hooks/" + Target.TEAM);
             KafkaProducer<String, String> producer = Kafka.producer(platform.kafkaBootstrapServers(),
                     "lifeguard-chaos-" + runId)) {
            String subscription = subscribe(admin, webhook.url());
            FaultLog faults = new FaultLog(System.nanoTime());
            Instant windowEnd = Instant.now().plus(options.faultWindow());
            Verifier.Verification verification;
            try (Workload workload = new Workload(runId, options.targets(),
                    platform.serviceUrls(LifeguardService.DEPLOY), platform.serviceUrls(LifeguardService.MONITOR),
                    producer, ci, inputs);
                 FaultInjector injector = new FaultInjector(faultTarget, options, faults,
                         new MalformedRecords(runId, producer, inputs), this::say);
                 Verifier verifier = new Verifier(platform, viewer, runId, inputs, faults, webhook)) {
                say("fault window opens: workload and faults start");
                workload.start(Duration.ofMillis((long) (options.faultWindow().toMillis() * ChaosOptions.WORKLOAD_SHARE)),
                        windowEnd.plus(options.drainBound()));
                injector.start();
                while (Instant.now().isBefore(windowEnd)) {
                    pause(min(PROGRESS_EVERY, Duration.between(Instant.now(), windowEnd)));
                    say(progress(inputs, faults));
                }
                say("fault window closed: no more faults; bringing every instance back");
                injector.stop();
                workload.extendDeadline(Instant.now().plus(options.drainBound()));
                say("every instance runs; waiting for the workload's last inputs to be acknowledged");
                if (!workload.awaitDone(options.drainBound())) {
                    say("! some inputs were still not acknowledged after " + options.drainBound().toSeconds() + " s");
                }
                say(progress(inputs, faults));
                say("waiting (at most " + options.convergenceBound().toSeconds()
                        + " s) for the platform to process everything");
                verification = verifier.awaitAndVerify(options.convergenceBound(), this::say);
                say(verification.converged() ? "converged after " + verification.waited().toSeconds() + " s"
                        : "! not converged within " + options.convergenceBound().toSeconds() + " s: judging as it is");
            } finally {
                unsubscribe(admin, subscription);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            String text = "\nResults of chaos run " + runId + " (" + elapsed.toSeconds() + " s)\n\n"
                    + ResultTable.checks(verification.checks())
                    + "\nFault log (times since the fault window opened)\n\n" + ResultTable.faults(faults.entries())
                    + "\nInputs\n\n" + ResultTable.inputs(inputs.counts(), inputs.restRetries(), inputs.kafkaRetries(),
                    webhook.posts().size())
                    + "\nLogs of every instance: " + platform.settings().logsDirectory() + "\n";
            return new Report(runId, verification, faults.entries(), inputs.counts(), elapsed, text);
        }
    }

    private String subscribe(Http http, String webhookUrl) {
        String body = Json.write(Map.of("team", Target.TEAM, "services", List.of("*"),
                "channel", Map.of("type", "webhook", "url", webhookUrl)));
        Instant until = Instant.now().plus(SUBSCRIBE_BOUND);
        Optional<Http.Response> last = Optional.empty();
        while (Instant.now().isBefore(until)) {
            last = http.post(platform.serviceUrl(LifeguardService.NOTIFY) + "/api/v1/subscriptions", body);
            if (last.isPresent() && last.get().status() == 201) {
                String id = last.get().json().path("id").asText();
                say("team " + Target.TEAM + " subscribed to every service with a webhook channel (" + webhookUrl
                        + ", subscription " + id + ")");
                return id;
            }
            pause(Duration.ofSeconds(1));
        }
        throw new IllegalStateException("notify-service did not take the subscription within "
                + SUBSCRIBE_BOUND.toSeconds() + " s: " + last.map(response -> response.status() + " "
                + response.body()).orElse("no answer"));
    }

    private void unsubscribe(Http http, String id) {
        http.delete(platform.serviceUrl(LifeguardService.NOTIFY) + "/api/v1/subscriptions/" + Http.encode(id));
    }

    private static String progress(Inputs inputs, FaultLog faults) {
        Inputs.Counts counts = inputs.counts();
        return String.format("kills %d, freeze %s, kafka restart %s, malformed rounds %d | targets %d/%d done,"
                        + " inputs acknowledged %d (samples %d/%d)",
                faults.count(FaultLog.Kind.KILL),
                faults.count(FaultLog.Kind.THAW) > 0 ? "done" : faults.count(FaultLog.Kind.FREEZE) > 0 ? "now" : "due",
                faults.count(FaultLog.Kind.KAFKA_RESTART) > 0 ? "done" : "due", faults.count(FaultLog.Kind.MALFORMED),
                counts.done(), counts.targets(), counts.inputsAcked(), counts.samplesAcked(), counts.samplesSent());
    }

    private void say(String line) {
        synchronized (out) {
            out.printf("[%7.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, line);
            out.flush();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
