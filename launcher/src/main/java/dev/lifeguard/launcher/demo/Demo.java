package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.cli.DecisionText;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import dev.lifeguard.launcher.webhook.WebhookReceiver;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.io.Console;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code ./lifeguard demo}: the failure scenario, played live against a running platform. A uniquely named service
 * gets v1 (through REST) and v2 (as CI sends it: a CDEvent on {@code lifeguard.ci}); v2's error rate spikes; the
 * platform detects it, rolls back to v1 by calling the team's rollback webhook (the {@code webhook} executor, with a
 * per-run secret: the demo shows the signed request and verifies it), tells the team's chat webhook, and writes the
 * incident's post-mortem; then the verdict that ended v2's analysis on {@code lifeguard.analyses}. Act 2: the fix
 * 2.0.1, deployed without tests after the rollback, is gated; CI's passing test suite releases it; it goes out as a
 * canary 10% → 50% → 100% (signed step requests to the same webhook), each pause analysed; the incident shows the fix
 * verified.
 * With {@code --approval} the demo first gives its service a decision policy {@code mode: approval}: the anomaly leads
 * to an approval request, which the demo shows (decision, evidence, policy, deadline, how to answer) and waits for: an
 * answer typed in its terminal, sent with curl or {@code ./lifeguard rollback approve}, or, with no terminal, its own
 * approval after {@code --approval-wait}. Approved, the demo goes on as above; rejected, it ends without act 2.
 * Every step is printed when it happens; a step that does not happen within the bound fails the demo.
 */
public final class Demo {

    static final String TEAM = "payments";
    static final String ENVIRONMENT = "production";
    static final String GOOD_VERSION = "1.0.0";
    static final String BAD_VERSION = "2.0.0";
    static final String METRIC = "error_rate";
    static final List<Double> HEALTHY_SAMPLES = List.of(0.01, 0.02);
    static final List<Double> BAD_SAMPLES = List.of(0.21, 0.34, 0.40);
    /** The fix of the bad version, which goes out after the rollback. */
    static final String FIX_VERSION = "2.0.1";
    /** Each canary pause of the demo: short, so the demo stays short; every pause is an analysis of the canary. */
    static final String CANARY_PAUSE = "6s";
    static final List<Double> CANARY_SAMPLES = List.of(0.01, 0.012, 0.009);
    static final String TEST_SUITE = "integration";

    static final String CI_TOPIC = "lifeguard.ci";
    static final String DEPLOYMENTS = "lifeguard.deployments";
    static final String ANOMALIES = "lifeguard.anomalies";
    static final String ROLLBACKS = "lifeguard.rollbacks";
    static final String NOTIFICATIONS = "lifeguard.notifications";
    static final String INCIDENTS = "lifeguard.incidents";
    static final String ANALYSES = "lifeguard.analyses";
    static final List<String> WATCHED = List.of(DEPLOYMENTS, ANOMALIES, ANALYSES, ROLLBACKS, NOTIFICATIONS, INCIDENTS);
    /**
     * Consumer groups that must have read v2's deployment before its metrics mean anything to them: monitor-service's
     * analysis engine (its Kafka Streams application id) and rollback-service.
     */
    static final List<String> DEPLOYMENT_READERS = List.of("lifeguard-monitor-analysis", "lifeguard-rollback-service");

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CONSUMED_BOUND = Duration.ofSeconds(20);
    /** How long a webhook delivery waits for its notification event (title and text) before it is shown as is. */
    private static final Duration CHAT_GRACE = Duration.ofSeconds(3);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    static final String ROLLBACK_PATH = "/rollback";
    /** How long the demo waits, after the verdict, for notify-service's chat message about it (if it sends one). */
    private static final Duration VERDICT_CHAT_GRACE = Duration.ofSeconds(5);
    /** While waiting for an approval, a progress line this often. */
    private static final Duration APPROVAL_PROGRESS_EVERY = Duration.ofSeconds(10);

    /** What the demo measured. */
    public record Result(String service, long badMetricToRollbackMillis, long totalMillis, String incidentId) {
    }

    private record Seen(DemoEvent event, long nanos) {
    }

    private record PendingChat(WebhookReceiver.Delivery delivery, long receivedNanos) {
    }

    private final PlatformSettings settings;
    private final Duration stepTimeout;
    private final DemoOptions options;
    private final String service;
    private final StepLog log;
    /** Who the demo acts as: the platform's admin sets up and tears down, CI reports, everybody reads. */
    static final String DEMO_SUBJECT = "lifeguard-demo";
    private Credentials credentials;
    private Rest admin;
    private Rest ci;
    private Rest viewer;
    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, JsonNode> notificationsByAbout = new HashMap<>();
    private final List<PendingChat> pendingChats = new ArrayList<>();
    private final List<ChatMessage> chats = new ArrayList<>();
    private final List<RollbackCall> rollbackCalls = new ArrayList<>();
    /** The signing secret of the service's target, new for every run. */
    private final String rollbackSecret = randomSecret();
    private TopicWatcher watcher;
    private WebhookReceiver webhook;
    private WebhookReceiver rollbackWebhook;
    /** The newest sample time used: monitor-service takes a sample only when it is newer than the last of its series. */
    private Instant lastSampleTime = Instant.EPOCH;

    public Demo(PlatformSettings settings, PrintStream out, Duration stepTimeout) {
        this(settings, out, stepTimeout, DemoOptions.plain());
    }

    public Demo(PlatformSettings settings, PrintStream out, Duration stepTimeout, DemoOptions options) {
        this(settings, out, stepTimeout, randomServiceName(new SecureRandom()), options);
    }

    Demo(PlatformSettings settings, PrintStream out, Duration stepTimeout, String service) {
        this(settings, out, stepTimeout, service, DemoOptions.plain());
    }

    Demo(PlatformSettings settings, PrintStream out, Duration stepTimeout, String service, DemoOptions options) {
        this.settings = settings;
        this.stepTimeout = stepTimeout;
        this.options = options;
        this.service = service;
        this.log = new StepLog(out, System::nanoTime);
    }

    /**
     * The demo's tokens, signed with the platform's local key: admin for the target, the subscription and the
     * approval policy (the demo's objects belong to no team, so they are the platform's), ci for what CI reports,
     * viewer for every read; each with the subject {@value #DEMO_SUBJECT}, the actor the services record.
     */
    private void signTokens() {
        credentials = Credentials.signedWith(LocalKeys.ensure(settings.keysDirectory()));
        Rest plain = new Rest();
        admin = plain.as(credentials, DEMO_SUBJECT, Roles.ADMIN);
        ci = plain.as(credentials, DEMO_SUBJECT, Roles.CI);
        viewer = plain.as(credentials, DEMO_SUBJECT, Roles.VIEWER);
    }

    /** {@code checkout-} and four random letters or digits, so that every run has its own history. */
    public static String randomServiceName(Random random) {
        StringBuilder name = new StringBuilder("checkout-");
        for (int i = 0; i < 4; i++) {
            name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }

    public Result run() {
        signTokens();
        log.plain("Lifeguard demo: " + service + " " + BAD_VERSION + " goes bad in " + ENVIRONMENT
                + (options.approval() ? "; the platform asks a person before it rolls back: you.\n"
                : "; watch the platform roll it back.\n"));
        String subscriptionId = null;
        boolean targetConfigured = false;
        ApprovalPolicy approvalPolicy = null;
        try (WebhookReceiver receiver = new WebhookReceiver("/hooks/" + TEAM);
             WebhookReceiver rollbackReceiver = new WebhookReceiver(ROLLBACK_PATH);
             TopicWatcher topics = new TopicWatcher(settings.kafkaBootstrapServers(), WATCHED, service, stepTimeout);
             KafkaProducer<String, String> ci = producer()) {
            this.webhook = receiver;
            this.rollbackWebhook = rollbackReceiver;
            this.watcher = topics;
            log.step("chat webhook of team " + TEAM + " listening on " + receiver.url());
            log.step("rollback webhook of team " + TEAM + " (their deployment tooling) listening on "
                    + rollbackReceiver.url());
            log.step("reading " + String.join(", ", WATCHED) + " from their end (read committed), keeping key "
                    + service + "/*");

            subscriptionId = subscribe(receiver.url());
            configureTarget(rollbackReceiver.url());
            targetConfigured = true;
            if (options.approval()) {
                ApprovalPolicy policy = new ApprovalPolicy(admin, settings.serviceUrl(LifeguardService.ROLLBACK), service,
                        ENVIRONMENT);
                storeApprovalPolicy(policy);
                approvalPolicy = policy;
            }
            deployGoodVersionByRest();
            DemoEvent upgraded = deployBadVersionAsCi(ci);
            awaitDeploymentRead(upgraded);
            postSamples(HEALTHY_SAMPLES, "healthy");
            long lastBadSampleNanos = postBadSamples();

            awaitEvent("incident.detected for " + service + " " + BAD_VERSION + " on " + ANOMALIES,
                    event -> event.topic().equals(ANOMALIES) && event.is("incident.detected"), LifeguardService.MONITOR);
            long approvedNanos = 0;
            if (options.approval()) {
                ApprovalWait.Outcome outcome = awaitApproval(lastBadSampleNanos);
                if (!outcome.rollsBack()) {
                    return endWithoutRollback(outcome);
                }
                approvedNanos = System.nanoTime();
            }
            awaitEvent("a rollback decision for " + service + " on " + ROLLBACKS,
                    event -> event.topic().equals(ROLLBACKS) && event.is("rollback.requested"), LifeguardService.ROLLBACK);
            Seen rolledBack = awaitRollbackResult();
            long rollbackMillis = TimeUnit.NANOSECONDS.toMillis(rolledBack.nanos() - lastBadSampleNanos);
            log.step("bad metric → rollback: " + rollbackMillis + " ms (last bad sample posted → service.rolledback seen)"
                    + (options.approval() ? ", of which approval → rollback: "
                    + TimeUnit.NANOSECONDS.toMillis(rolledBack.nanos() - approvedNanos) + " ms" : ""));
            checkRollbackCall(rolledBack.event());

            checkDeployState();
            awaitChat("the webhook notification about the rollback", chat -> chat.isAbout("service.rolledback")
                    || chat.title().contains("rolled back"));
            awaitEvent("incident.resolved for " + service + " on " + INCIDENTS,
                    event -> event.topic().equals(INCIDENTS) && event.is("incident.resolved"), LifeguardService.POSTMORTEM);
            String incidentId = showPostmortem(awaitResolvedIncident(rolledBack.event().chainId()));
            showVerdict();
            long fixStarted = log.elapsedMillis();
            shipTheFix(ci, incidentId);
            long total = log.elapsedMillis();
            log.plain("\nDemo finished in " + total + " ms. bad metric → rollback: " + rollbackMillis + " ms; the fix,"
                    + " from gated to promoted: " + (total - fixStarted) + " ms.");
            if (rollbackCalls.stream().anyMatch(call -> !call.signatureVerified())) {
                throw new DemoFailure("the rollback webhook got a request whose " + RollbackCall.SIGNATURE_HEADER
                        + " does not verify with the target's secret (see above); see "
                        + settings.logFile(LifeguardService.DEPLOY.moduleName()));
            }
            return new Result(service, rollbackMillis, total, incidentId);
        } finally {
            if (approvalPolicy != null) {
                String problem = approvalPolicy.remove();
                log.plain(problem == null ? "(removed the demo's approval policy: a plain ./lifeguard demo rolls back"
                        + " automatically again)" : "(" + problem + ")");
            }
            if (targetConfigured) {
                forgetTarget();
            }
            if (subscriptionId != null) {
                unsubscribe(subscriptionId);
            }
        }
    }

    // --- the steps -------------------------------------------------------------------------------------------

    private String subscribe(String webhookUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("team", TEAM);
        body.put("services", List.of(service));
        body.put("channel", Map.of("type", "webhook", "url", webhookUrl));
        JsonNode subscription = Rest.expect(admin.post(url(LifeguardService.NOTIFY, "/api/v1/subscriptions"), body), 201,
                "notify-service POST /api/v1/subscriptions");
        String id = subscription.path("id").asText();
        log.step("subscribed team " + TEAM + " to " + service + " with a webhook channel (subscription " + id + ")");
        return id;
    }

    private void unsubscribe(String subscriptionId) {
        try {
            admin.delete(url(LifeguardService.NOTIFY, "/api/v1/subscriptions/" + encode(subscriptionId)));
        } catch (DemoFailure e) {
            log.plain("(could not delete the demo's subscription " + subscriptionId + ": " + e.getMessage() + ")");
        }
    }

    /** The service's target rolls back with the {@code webhook} executor: a signed POST to the rollback receiver. */
    private void configureTarget(String rollbackUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executor", "webhook");
        body.put("webhook", Map.of("url", rollbackUrl, "secret", rollbackSecret));
        body.put("redeployStrategy", canaryStrategy());
        Rest.Response response = admin.put(url(LifeguardService.DEPLOY, targetPath()), body);
        if (response.status() == 400 && response.body().contains("allow-private-network")) {
            throw new DemoFailure("deploy-service refuses the demo's rollback webhook on 127.0.0.1: it was started"
                    + " without LIFEGUARD_DEPLOY_ALLOW_PRIVATE_NETWORK=true, which ./lifeguard up sets; restart it"
                    + " (./lifeguard down, then ./lifeguard up). Its answer: " + response.body());
        }
        JsonNode target = Rest.expect(response, 200, "deploy-service PUT " + targetPath());
        log.step("PUT " + targetPath() + " executor " + target.path("executor").asText("?") + " → 200: "
                + service + " in " + ENVIRONMENT + " rolls back by a signed POST to " + rollbackUrl
                + " (secret new for this run, shown back as " + target.at("/settings/secret").asText("?") + ")");
        log.detail("   after a rollback its next deployment waits for test evidence, then goes out as a canary: "
                + "10% → pause " + CANARY_PAUSE + " (analysed) → 50% → pause " + CANARY_PAUSE + " (analysed) → 100%");
    }

    static Map<String, Object> canaryStrategy() {
        return Map.of("type", "canary", "steps", List.of(Map.of("setWeight", 10), Map.of("pause", CANARY_PAUSE),
                Map.of("setWeight", 50), Map.of("pause", CANARY_PAUSE), Map.of("setWeight", 100)));
    }

    // --- the approval (--approval) -----------------------------------------------------------------------------

    private void storeApprovalPolicy(ApprovalPolicy policy) {
        JsonNode stored = policy.store();
        log.step("PUT " + ApprovalPolicy.path(service, ENVIRONMENT) + " → " + ApprovalPolicy.describe(stored)
                + ": rollback-service asks before it rolls " + service + " back in " + ENVIRONMENT);
        log.detail("   (the service's own policy: other services in " + ENVIRONMENT + " keep theirs; removed at the end)");
    }

    /**
     * The approval request: the decision with its evidence, policy and deadline, how to answer it, then the wait for
     * the answer (typed here, sent with curl or ./lifeguard rollback from elsewhere, or the demo's own after the
     * wait when nobody can be asked).
     */
    private ApprovalWait.Outcome awaitApproval(long lastBadSampleNanos) {
        Seen requested = awaitEvent("the approval request for " + service + " on " + ROLLBACKS,
                event -> event.topic().equals(ROLLBACKS) && (event.is("rollback.approval-requested")
                        || event.is("rollback.requested") || (event.is("rollback.decided")
                        && !"AWAITING_APPROVAL".equals(event.subjectContent().path("decision").asText()))),
                LifeguardService.ROLLBACK);
        if (!requested.event().is("rollback.approval-requested")) {
            throw new DemoFailure("rollback-service decided without asking, despite the demo's approval policy: "
                    + requested.event().summary() + "; does it run the issue 9 build? see "
                    + settings.logFile(LifeguardService.ROLLBACK.moduleName()));
        }
        String id = requested.event().json().at("/data/subject/id").asText("");
        if (id.isEmpty()) {
            throw new DemoFailure("the approval request on " + ROLLBACKS + " names no decision (data.subject.id): "
                    + requested.event().json());
        }
        log.step("bad metric → approval request: " + TimeUnit.NANOSECONDS.toMillis(requested.nanos() - lastBadSampleNanos)
                + " ms; rollback-service asks before it rolls back (GET /api/v1/rollbacks/" + id + "):");
        JsonNode decision = Rest.expect(viewer.get(url(LifeguardService.ROLLBACK, "/api/v1/rollbacks/" + encode(id)),
                "application/json"), 200, "rollback-service GET /api/v1/rollbacks/" + id);
        log.detail("   " + String.join("\n   ", DecisionText.lines(decision)));
        Console console = terminal();
        log.detail("   " + String.join("\n   ", ApprovalWait.instructions(settings.serviceUrl(LifeguardService.ROLLBACK),
                id, console != null, options.approvalWait())));
        ApprovalWait.Outcome outcome = new ApprovalWait(new Rest(), credentials, settings.serviceUrl(LifeguardService.ROLLBACK), id, log,
                console == null ? null : new BufferedReader(console.reader()), operator(),
                options.approvalWait(), APPROVAL_PROGRESS_EVERY, stepTimeout, this::pump, Duration.ofMillis(500)).await();
        log.step(settledText(outcome));
        return outcome;
    }

    static String settledText(ApprovalWait.Outcome outcome) {
        String who = outcome.by() == null ? "?" : outcome.by();
        String why = outcome.reason() == null ? "" : " (\"" + outcome.reason() + "\")";
        return switch (outcome.kind()) {
            case APPROVED -> "✓ rollback approved by " + who + (outcome.byTheDemo() ? ", the demo's operator" : "") + why
                    + ": rollback-service publishes it, deploy-service executes it";
            case REJECTED -> "✗ rollback rejected by " + who + why + ": nothing is rolled back";
            case HELD -> "nobody answered before the approval deadline: rollback-service escalated and held it" + why;
            case ROLLED_BACK_ON_TIMEOUT -> "nobody answered before the approval deadline: the policy rolls back" + why;
        };
    }

    /** A rejected (or held) rollback: the bad version stays; the verdict still shows, the fix's act does not apply. */
    private Result endWithoutRollback(ApprovalWait.Outcome outcome) {
        log.detail("   " + String.join("\n   ", DecisionText.lines(outcome.decision())));
        showVerdict();
        long total = log.elapsedMillis();
        log.plain("\nDemo finished in " + total + " ms: " + service + " " + BAD_VERSION + " still runs in " + ENVIRONMENT
                + " (" + outcome.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "). Act 2 (the fix, gated"
                + " after a rollback) needs the rollback: run ./lifeguard demo --approval again and answer y.");
        return new Result(service, -1, total, null);
    }

    /**
     * The terminal a person can answer in, or null. From JDK 22 on, System.console() is there even when input and
     * output are redirected: then Console.isTerminal() tells (looked up, as this builds for 17).
     */
    private static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            Object terminal = Console.class.getMethod("isTerminal").invoke(console);
            return Boolean.TRUE.equals(terminal) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console;
        }
    }

    /** Who answers in the demo's terminal: $LIFEGUARD_USER, else $USER, else "demo-operator". */
    private static String operator() {
        for (String variable : List.of("LIFEGUARD_USER", "USER")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return "demo-operator";
    }

    // --- act 2: the fix ---------------------------------------------------------------------------------------

    /**
     * The fix goes out: deployed without test evidence it is gated; CI's passing test suite releases it; the canary
     * advances 10% → 50% → 100% while every pause's analysis of it passes; the incident shows the fix verified.
     */
    private void shipTheFix(KafkaProducer<String, String> ci, String incidentId) {
        log.plain("\nAct 2: the fix. " + service + " " + FIX_VERSION + " fixes incident " + incidentId
                + "; after a rollback it must prove it was tested, then it goes out as a canary.\n");
        String deploymentId = deployFixWithoutTests(incidentId);
        awaitEvent("lifeguard-rollout.gated for " + service + " " + FIX_VERSION + " on " + DEPLOYMENTS,
                event -> event.is("rollout.gated") && deploymentId.equals(event.subjectContent().path("deploymentId").asText()),
                LifeguardService.DEPLOY);
        awaitChat("the webhook notification that " + FIX_VERSION + " is gated",
                chat -> chat.isAbout("rollout.gated") || chat.title().toLowerCase(Locale.ROOT).contains("gated"));
        sendPassingTestSuite(ci, deploymentId);
        awaitEvent("lifeguard-rollout.released for " + service + " " + FIX_VERSION + " on " + DEPLOYMENTS,
                event -> event.is("rollout.released") && deploymentId.equals(event.subjectContent().path("deploymentId").asText()),
                LifeguardService.DEPLOY);
        followTheCanary(deploymentId);
        awaitEvent("service.upgraded for " + service + " " + FIX_VERSION + " on " + DEPLOYMENTS,
                event -> event.is("service.upgraded") && FIX_VERSION.equals(event.customData().path("version").asText()),
                LifeguardService.DEPLOY);
        showRollout(deploymentId);
        awaitFixVerified(incidentId);
    }

    private String deployFixWithoutTests(String incidentId) {
        Map<String, Object> body = deploymentBody(FIX_VERSION);
        body.put("fixes", List.of(incidentId));
        JsonNode deployment = Rest.expect(ci.post(url(LifeguardService.DEPLOY, "/api/v1/deployments"), body), 202,
                "deploy-service POST /api/v1/deployments (the fix, without test evidence)");
        String id = deployment.path("id").asText();
        log.step("POST /api/v1/deployments " + service + " " + FIX_VERSION + " fixes " + incidentId + ", no tests → 202, "
                + "deployment " + id + " " + deployment.path("status").asText("?"));
        log.detail("   " + gateReason(deployment));
        return id;
    }

    private static String gateReason(JsonNode deployment) {
        String reason = deployment.path("gateReason").asText("");
        return reason.isEmpty() ? deployment.at("/gate/reason").asText("?") : reason;
    }

    /** CI reports its integration suite for the fix's artifact: a bare CDEvent {@code testsuiterun.finished}. */
    private void sendPassingTestSuite(KafkaProducer<String, String> producer, String deploymentId) {
        String eventId = "ci-tests-" + UUID.randomUUID();
        sendToCi(producer, testSuiteEvent(eventId, UUID.randomUUID().toString(), Instant.now()), "the test evidence");
        log.step("CI sends CDEvent testsuiterun.finished for " + service + " " + FIX_VERSION + " on " + CI_TOPIC
                + ": suite " + TEST_SUITE + " outcome pass, 412 passed, 0 failed (event " + eventId + ")");
    }

    /** A bare CDEvent {@code testsuiterun.finished} naming the fix's artifact, as a CI tool emits it. */
    String testSuiteEvent(String eventId, String chainId, Instant time) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("outcome", "pass");
        content.put("environment", Map.of("id", "ci"));
        content.put("testSuite", Map.of("id", TEST_SUITE, "name", TEST_SUITE));
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("service", service);
        custom.put("version", FIX_VERSION);
        custom.put("artifactId", "pkg:generic/" + service + "@" + FIX_VERSION);
        custom.put("passed", 412);
        custom.put("failed", 0);
        return bareCdEvent(eventId, chainId, "dev.cdevents.testsuiterun.finished.0.3.0", time, "suite-run-" + eventId,
                content, custom);
    }

    /** A bare CDEvent from the demo's CI: context, subject with its content, and customData. */
    private static String bareCdEvent(String eventId, String chainId, String type, Instant time, String subjectId,
                                      Map<String, Object> content, Map<String, Object> custom) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("specversion", "0.5.1");
        context.put("id", eventId);
        context.put("chainId", chainId);
        context.put("source", "/ci/lifeguard-demo");
        context.put("type", type);
        context.put("timestamp", time.truncatedTo(ChronoUnit.MILLIS).toString());
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("id", subjectId);
        subject.put("source", "/ci/lifeguard-demo");
        subject.put("content", content);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("context", context);
        event.put("subject", subject);
        event.put("customData", custom);
        return Rest.toJson(event);
    }

    /** Produces a CI event on {@code lifeguard.ci}, keyed by the target, and waits for the broker's acknowledgement. */
    private void sendToCi(KafkaProducer<String, String> producer, String event, String what) {
        try {
            producer.send(new ProducerRecord<>(CI_TOPIC, service + "/" + ENVIRONMENT, event)).get(stepTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new DemoFailure("could not send " + what + " to " + CI_TOPIC + " on "
                    + settings.kafkaBootstrapServers() + ": " + e, e);
        }
    }

    /**
     * Follows the rollout's events until it is promoted: during each analysed pause, the canary and the stable
     * version report healthy error rates. A pause or an abort ends the demo with its reason.
     */
    private void followTheCanary(String deploymentId) {
        int from = 0;
        while (true) {
            int index = awaitEventFrom(from, "the next rollout event of " + FIX_VERSION + " on " + DEPLOYMENTS,
                    event -> isRolloutEventOf(event, deploymentId), LifeguardService.DEPLOY);
            from = index + 1;
            DemoEvent event = seen.get(index).event();
            if (event.is("rollout.promoted")) {
                return;
            }
            if (event.is("rollout.paused") || event.is("rollout.aborted")) {
                throw new DemoFailure("the canary of " + FIX_VERSION + " did not go through: " + event.summary()
                        + "; see " + settings.logFile(LifeguardService.DEPLOY.moduleName()) + " and "
                        + settings.logFile(LifeguardService.MONITOR.moduleName()));
            }
            if (event.subjectContent().path("analysis").isObject()) {
                postSamples(FIX_VERSION, CANARY_SAMPLES, "the canary, healthy");
                postSamples(GOOD_VERSION, HEALTHY_SAMPLES, "the stable version beside it");
            }
        }
    }

    private static boolean isRolloutEventOf(DemoEvent event, String deploymentId) {
        return event.topic().equals(DEPLOYMENTS) && event.shortType().startsWith("rollout.")
                && !event.is("rollout.gated") && !event.is("rollout.released")
                && deploymentId.equals(event.subjectContent().path("deploymentId").asText());
    }

    /** deploy-service's view of the rollout: every step with its analysis verdict. */
    private void showRollout(String deploymentId) {
        JsonNode deployment = Rest.expect(viewer.get(url(LifeguardService.DEPLOY, "/api/v1/deployments/"
                + encode(deploymentId)), "application/json"), 200, "deploy-service GET /api/v1/deployments/" + deploymentId);
        JsonNode rollout = deployment.path("rollout");
        log.step("GET /api/v1/deployments/" + deploymentId + ": " + FIX_VERSION + " " + deployment.path("status").asText("?")
                + ", rollout " + rollout.path("phase").asText("?") + " at " + rollout.path("weight").asText("?") + "%");
        for (JsonNode step : rollout.path("steps")) {
            log.detail("   step " + (step.path("index").asInt() + 1) + " " + step.path("kind").asText("?")
                    + (step.path("weight").isNumber() ? " " + step.path("weight").asInt() + "%" : "")
                    + (step.path("duration").isTextual() ? " " + step.path("duration").asText() : "")
                    + (step.path("verdict").isTextual() ? ": analysis " + step.path("verdict").asText()
                    + (step.path("verdictReason").isTextual() ? " (" + step.path("verdictReason").asText() + ")" : "") : ""));
        }
    }

    private void awaitFixVerified(String incidentId) {
        String url = url(LifeguardService.POSTMORTEM, "/api/v1/incidents/" + encode(incidentId));
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        String lastAnswer = "";
        while (System.nanoTime() < deadline) {
            Rest.Response response = viewer.get(url, "application/json");
            lastAnswer = response.status() + " " + response.body();
            if (response.status() == 200) {
                for (JsonNode fix : Rest.json(response.body()).path("fixes")) {
                    if ("verified".equalsIgnoreCase(fix.path("status").asText())) {
                        log.step("incident " + incidentId + ": fix " + fix.path("version").asText("?") + " VERIFIED"
                                + " (deployment " + fix.path("deploymentId").asText("?") + ", linked "
                                + fix.path("linkedBy").asText("?") + ", deployed " + fix.path("deployedAt").asText("?")
                                + ", verified " + fix.path("verifiedAt").asText("?") + ")");
                        return;
                    }
                }
            }
            pump(Duration.ofMillis(500));
        }
        throw new DemoFailure("incident " + incidentId + " shows no verified fix within " + stepTimeout.toSeconds()
                + " s (last answer of GET " + url + ": " + lastAnswer + "); see "
                + settings.logFile(LifeguardService.POSTMORTEM.moduleName()));
    }

    private void forgetTarget() {
        try {
            Rest.Response response = admin.delete(url(LifeguardService.DEPLOY, targetPath()));
            if (response.status() != 204 && response.status() != 404) {
                log.plain("(could not delete the demo's target " + service + "/" + ENVIRONMENT + ": "
                        + response.status() + " " + response.body() + ")");
            }
        } catch (DemoFailure e) {
            log.plain("(could not delete the demo's target " + service + "/" + ENVIRONMENT + ": " + e.getMessage() + ")");
        }
    }

    private String targetPath() {
        return "/api/v1/targets/" + encode(service) + "/" + ENVIRONMENT;
    }

    /**
     * Waits for deploy-service's result of the rollback: {@code service.rolledback}, or a failed or skipped rollback,
     * which ends the demo with its detail rather than a wait for a {@code service.rolledback} that never comes.
     */
    private Seen awaitRollbackResult() {
        Seen result = awaitEvent("service.rolledback for " + service + " on " + DEPLOYMENTS,
                event -> event.topic().equals(DEPLOYMENTS) && (event.is("service.rolledback")
                        || event.is("rollback.failed") || event.is("rollback.skipped")), LifeguardService.DEPLOY);
        if (!result.event().is("service.rolledback")) {
            throw new DemoFailure("deploy-service did not roll " + service + " back: " + result.event().summary()
                    + "; see " + settings.logFile(LifeguardService.DEPLOY.moduleName()));
        }
        return result;
    }

    /**
     * The executor's call must have reached the rollback webhook before deploy-service reported the rollback done:
     * the call with the rollback's id as its Idempotency-Key.
     */
    private void checkRollbackCall(DemoEvent rolledBack) {
        String rollbackId = rolledBack.customData().path("rollbackId").asText("");
        pump(Duration.ZERO);
        if (rollbackCalls.stream().noneMatch(call -> call.rollbackId().equals(rollbackId))) {
            throw new DemoFailure("deploy-service reports rollback " + rollbackId + " done (executor "
                    + DemoEvent.text(rolledBack.customData(), "executor") + "), but the rollback webhook got no request"
                    + " with Idempotency-Key " + rollbackId + " (requests: " + rollbackCalls.size() + "); see "
                    + settings.logFile(LifeguardService.DEPLOY.moduleName()));
        }
    }

    /** The body of {@code POST /api/v1/deployments} for the demo's service, with a new commit. */
    private Map<String, Object> deploymentBody(String version) {
        String commit = randomCommit();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("environment", ENVIRONMENT);
        body.put("version", version);
        body.put("team", TEAM);
        body.put("commit", commit);
        body.put("changeUrl", changeUrl(commit));
        return body;
    }

    private void deployGoodVersionByRest() {
        Map<String, Object> body = deploymentBody(GOOD_VERSION);
        JsonNode deployment = Rest.expect(ci.post(url(LifeguardService.DEPLOY, "/api/v1/deployments"), body), 201,
                "deploy-service POST /api/v1/deployments");
        log.step("POST /api/v1/deployments " + service + " " + GOOD_VERSION + " → 201, deployment "
                + deployment.path("id").asText());
        awaitEvent("service.deployed for " + service + " " + GOOD_VERSION + " on " + DEPLOYMENTS,
                event -> event.topic().equals(DEPLOYMENTS) && event.is("service.deployed")
                        && GOOD_VERSION.equals(event.customData().path("version").asText()), LifeguardService.DEPLOY);
    }

    private DemoEvent deployBadVersionAsCi(KafkaProducer<String, String> producer) {
        String eventId = "ci-" + UUID.randomUUID();
        String chainId = UUID.randomUUID().toString();
        sendToCi(producer, ciEvent(eventId, chainId, randomCommit(), Instant.now()), "the CI event");
        log.step("CI sends CDEvent service.upgraded " + service + " " + BAD_VERSION + " on " + CI_TOPIC + " (event "
                + eventId + ", chain " + chainId + ")");
        return awaitEvent("service.upgraded for " + service + " " + BAD_VERSION + " on " + DEPLOYMENTS,
                event -> event.topic().equals(DEPLOYMENTS) && event.is("service.upgraded")
                        && BAD_VERSION.equals(event.customData().path("version").asText()), LifeguardService.DEPLOY).event();
    }

    /** A bare CDEvent {@code service.upgraded}, as a CI tool emits it. */
    String ciEvent(String eventId, String chainId, String commit, Instant time) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("environment", Map.of("id", ENVIRONMENT));
        content.put("artifactId", "pkg:generic/" + service + "@" + BAD_VERSION);
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("team", TEAM);
        custom.put("commit", commit);
        custom.put("changeUrl", changeUrl(commit));
        return bareCdEvent(eventId, chainId, "dev.cdevents.service.upgraded.0.3.0", time, service, content, custom);
    }

    /**
     * Waits until monitor-service and rollback-service have committed past v2's deployment event, so that they
     * judge the samples against it. Not fatal: a platform with other group names just goes on after the bound.
     */
    private void awaitDeploymentRead(DemoEvent deployment) {
        long deadline = System.nanoTime() + Math.min(CONSUMED_BOUND.toNanos(), stepTimeout.toNanos());
        List<String> waiting = new ArrayList<>(DEPLOYMENT_READERS);
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            waiting.removeIf(group -> {
                OptionalLong committed = watcher.committedOffset(group, deployment.topic(), deployment.partition());
                return committed.isPresent() && committed.getAsLong() > deployment.offset();
            });
            if (!waiting.isEmpty()) {
                pump(Duration.ofMillis(250));
            }
        }
        if (waiting.isEmpty()) {
            log.step("monitor-service and rollback-service have read the upgrade (their consumer groups committed past"
                    + " offset " + deployment.offset() + " of " + deployment.topic() + ")");
        } else {
            log.step("! could not confirm that " + String.join(", ", waiting) + " read the upgrade within "
                    + CONSUMED_BOUND.toSeconds() + " s; going on");
        }
    }

    private void postSamples(List<Double> values, String verdict) {
        postSamples(BAD_VERSION, values, verdict);
    }

    private void postSamples(String version, List<Double> values, String verdict) {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (double value : values) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("service", service);
            sample.put("environment", ENVIRONMENT);
            sample.put("version", version);
            sample.put("metric", METRIC);
            sample.put("value", value);
            sample.put("timestamp", nextSampleTime().toString());
            samples.add(sample);
        }
        JsonNode answer = Rest.expect(ci.post(url(LifeguardService.MONITOR, "/api/v1/metrics"), samples), 202,
                "monitor-service POST /api/v1/metrics");
        log.step("POST /api/v1/metrics " + METRIC + " " + values.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + " for " + version + " (" + verdict + ") → 202, accepted "
                + answer.path("accepted").asText("?"));
        pump(Duration.ZERO);
    }

    /** Posts the bad samples one at a time, as an agent would; returns when the last one was posted. */
    private long postBadSamples() {
        long lastPosted = 0;
        for (double value : BAD_SAMPLES) {
            lastPosted = System.nanoTime();
            postSamples(List.of(value), "above the 0.05 threshold");
        }
        return lastPosted;
    }

    /** Now, or just after the previous sample when now is not later: a sample never repeats its series' time. */
    private Instant nextSampleTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        lastSampleTime = now.isAfter(lastSampleTime) ? now : lastSampleTime.plusMillis(1);
        return lastSampleTime;
    }

    /**
     * The verdict that ended v2's analysis, as monitor-service published it on {@code lifeguard.analyses}: outcome,
     * reason and each metric's statistic; then notify-service's chat message about it, when it sends one.
     */
    private void showVerdict() {
        DemoEvent verdict = awaitEvent("the analysis verdict for " + service + " " + BAD_VERSION + " on " + ANALYSES,
                event -> event.topic().equals(ANALYSES) && event.is("analysis.finished")
                        && BAD_VERSION.equals(event.subjectContent().path("version").asText()),
                LifeguardService.MONITOR).event();
        JsonNode content = verdict.subjectContent();
        log.step("analysis verdict (" + ANALYSES + ", event " + verdict.id() + "): " + service + " " + BAD_VERSION
                + " " + DemoEvent.text(content, "outcome").toUpperCase(Locale.ROOT) + ", ended by "
                + DemoEvent.text(content, "endedBy") + " after " + DemoEvent.text(content, "samples") + " samples"
                + " (deployment " + DemoEvent.text(content, "deploymentId") + ", stable version "
                + DemoEvent.text(content, "stableVersion") + ")");
        log.detail("   reason: " + DemoEvent.text(content, "reason"));
        for (JsonNode metric : content.path("metrics")) {
            log.detail("   " + DemoEvent.text(metric, "metric") + " (" + DemoEvent.text(metric, "provider") + ", "
                    + DemoEvent.text(metric, "detector") + "): " + DemoEvent.text(metric, "verdict") + ", statistic "
                    + DemoEvent.text(metric, "statistic") + " over " + DemoEvent.text(metric, "samples")
                    + " samples; evidence " + evidence(metric.path("evidence")));
        }
        // v1's analysis, superseded by v2, ended in a verdict too: the message about this one is the one with its id
        Predicate<ChatMessage> aboutVerdict = chat -> chat.aboutEventId().equals(verdict.id());
        long deadline = System.nanoTime() + Math.min(VERDICT_CHAT_GRACE.toNanos(), stepTimeout.toNanos());
        while (chats.stream().noneMatch(aboutVerdict) && System.nanoTime() < deadline) {
            pump(POLL);
        }
        chats.stream().filter(aboutVerdict).findFirst().ifPresentOrElse(
                chat -> log.step("notify-service told #" + TEAM + " about the verdict: " + chat.title()),
                () -> log.step("(no chat message about the verdict reached the webhook within "
                        + VERDICT_CHAT_GRACE.toSeconds() + " s)"));
    }

    static String evidence(JsonNode evidence) {
        List<String> values = new ArrayList<>();
        evidence.forEach(point -> values.add(DemoEvent.text(point, "value") + " at " + DemoEvent.text(point, "at")));
        return values.isEmpty() ? "none" : String.join(", ", values);
    }

    private void checkDeployState() {
        JsonNode state = Rest.expect(viewer.get(url(LifeguardService.DEPLOY, "/api/v1/services/" + encode(service)
                + "/environments/" + ENVIRONMENT), "application/json"), 200, "deploy-service GET environment state");
        String current = state.path("currentVersion").asText("?");
        log.step("deploy-service says " + service + " in " + ENVIRONMENT + " runs " + current + " (stableVersion "
                + orNone(state.path("stableVersion")) + (state.path("stableVerified").asBoolean() ? ", verified" : ", unverified")
                + ", status " + orNone(state.path("status")) + ", last change " + orNone(state.path("lastChange")) + ")");
        if (!GOOD_VERSION.equals(current)) {
            throw new DemoFailure("deploy-service reports currentVersion " + current + ", expected " + GOOD_VERSION
                    + " after the rollback; see " + settings.logFile(LifeguardService.DEPLOY.moduleName()));
        }
    }

    private JsonNode awaitResolvedIncident(String chainId) {
        String url = url(LifeguardService.POSTMORTEM, "/api/v1/incidents?service=" + encode(service) + "&environment="
                + ENVIRONMENT);
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        String lastAnswer = "";
        while (System.nanoTime() < deadline) {
            Rest.Response response = viewer.get(url, "application/json");
            lastAnswer = response.status() + " " + response.body();
            if (response.status() == 200) {
                for (JsonNode incident : Rest.json(response.body())) {
                    boolean sameChain = chainId.isEmpty() || chainId.equals(incident.path("chainId").asText(chainId));
                    if (sameChain && "RESOLVED".equals(incident.path("status").asText())) {
                        log.step("incident " + incident.path("id").asText() + " RESOLVED: " + service + " "
                                + incident.path("triggerVersion").asText("?") + " → "
                                + incident.path("restoredVersion").asText("?") + " (opened "
                                + incident.path("openedAt").asText("?") + ", resolved "
                                + incident.path("resolvedAt").asText("?") + ")");
                        return incident;
                    }
                }
            }
            pump(Duration.ofMillis(500));
        }
        throw new DemoFailure("no RESOLVED incident for " + service + " within " + stepTimeout.toSeconds()
                + " s (last answer of GET " + url + ": " + lastAnswer + "); see "
                + settings.logFile(LifeguardService.POSTMORTEM.moduleName()));
    }

    private String showPostmortem(JsonNode incident) {
        String id = incident.path("id").asText();
        Rest.Response response = viewer.get(url(LifeguardService.POSTMORTEM, "/api/v1/incidents/" + encode(id)
                + "/postmortem"), "text/markdown");
        if (response.status() != 200) {
            throw new DemoFailure("postmortem-service GET /api/v1/incidents/" + id + "/postmortem answered "
                    + response.status() + ": " + response.body());
        }
        log.step("post-mortem draft (GET /api/v1/incidents/" + id + "/postmortem):");
        log.plain(frame(response.body()));
        return id;
    }

    static String frame(String markdown) {
        String rule = "    " + "─".repeat(76);
        String body = Arrays.stream(markdown.strip().split("\n", -1)).map(line -> "    │ " + line)
                .collect(Collectors.joining("\n"));
        return rule + "\n" + body + "\n" + rule;
    }

    // --- watching --------------------------------------------------------------------------------------------

    private Seen awaitEvent(String what, Predicate<DemoEvent> matching, LifeguardService responsible) {
        return seen.get(awaitEventFrom(0, what, matching, responsible));
    }

    /** Waits for the first matching event seen at or after index {@code from}; returns its index. */
    private int awaitEventFrom(int from, String what, Predicate<DemoEvent> matching, LifeguardService responsible) {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (true) {
            for (int i = from; i < seen.size(); i++) {
                if (matching.test(seen.get(i).event())) {
                    return i;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("no " + what + " within " + stepTimeout.toSeconds() + " s; see "
                        + settings.logFile(responsible.moduleName()));
            }
            pump(POLL);
        }
    }

    private void awaitChat(String what, Predicate<ChatMessage> matching) {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (chats.stream().noneMatch(matching)) {
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("no " + what + " reached the demo's webhook within " + stepTimeout.toSeconds()
                        + " s; see " + settings.logFile(LifeguardService.NOTIFY.moduleName()));
            }
            pump(POLL);
        }
    }

    /** Reads what arrived on the topics and the webhook, printing each event and chat message once. */
    private void pump(Duration poll) {
        for (DemoEvent event : watcher.poll(poll)) {
            seen.add(new Seen(event, System.nanoTime()));
            if (event.topic().equals(NOTIFICATIONS)) {
                JsonNode content = event.subjectContent();
                notificationsByAbout.putIfAbsent(content.path("aboutEventId").asText(""), content);
            } else {
                log.step(event.topic() + " ← " + event.shortType() + ": " + event.summary());
            }
        }
        for (WebhookReceiver.Delivery delivery : rollbackWebhook.drain()) {
            RollbackCall call = RollbackCall.check(delivery, rollbackSecret, Instant.now());
            rollbackCalls.add(call);
            log.step(call.title());
            log.detail(String.join("\n", call.details()));
        }
        long now = System.nanoTime();
        webhook.drain().forEach(delivery -> pendingChats.add(new PendingChat(delivery, now)));
        for (PendingChat pending : List.copyOf(pendingChats)) {
            JsonNode body = Rest.json(pending.delivery().body());
            boolean described = !body.has("specversion") || notificationsByAbout.containsKey(body.path("id").asText())
                    || body.path("type").asText().startsWith(ChatMessage.NOTIFICATION_TYPE_PREFIX);
            if (described || now - pending.receivedNanos() > CHAT_GRACE.toNanos()) {
                pendingChats.remove(pending);
                ChatMessage chat = ChatMessage.from(body, id -> Optional.ofNullable(notificationsByAbout.get(id)));
                chats.add(chat);
                log.step("webhook ← #" + TEAM + (pending.delivery().repeated() ? " (redelivery)" : "") + " 💬 "
                        + chat.title());
                if (!chat.text().isBlank() && !chat.text().equals(chat.title())) {
                    log.detail("   " + chat.text().replace("\n", "\n   "));
                }
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private KafkaProducer<String, String> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "lifeguard-demo-ci");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(stepTimeout.toMillis()));
        return new KafkaProducer<>(properties);
    }

    private String url(LifeguardService target, String path) {
        return settings.serviceUrl(target) + path;
    }

    private String changeUrl(String commit) {
        return "https://git.example.com/shop/" + service + "/commit/" + commit;
    }

    /** 32 random bytes, hex: the rollback webhook's signing secret, known only to this run and its target. */
    static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String randomCommit() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, 7);
    }

    private static String orNone(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "none" : value.asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
