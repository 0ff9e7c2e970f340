package dev.lifeguard.deploy.executor.webhook;

import java.net.InetAddress;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.webhook.WebhookRollbackExecutorTest.Config;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.testsupport.EventContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.MAPPER;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.REASON;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signed rollout step requests of the webhook executor against a real HTTP receiver (WireMock). */
class WebhookRolloutStepTest {

    private static final String SECRET = "whsec-5f1d8c0e-secret-value";
    private static final String PATH = "/hooks/rollback";
    private static final String STEP_PATH = "/hooks/rollout";
    private static final Instant NOW = Instant.parse("2026-11-26T11:04:01.207Z");
    private static final String SOURCE = "/lifeguard/deploy-service";
    private static final String TYPE = "dev.cdeventsx.lifeguard-rollout.step-requested.0.1.0";

    private static WireMockServer receiver;

    private final OutboundUrlGuard localGuard = OutboundUrlGuard.usingSystemDns(true,
            "lifeguard.deploy.allow-private-network");

    @BeforeAll
    static void startReceiver() {
        receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void reset() {
        receiver.resetAll();
    }

    @Test
    void theWebhookExecutorRunsRollouts() {
        assertThat(executor().runsRollouts()).isTrue();
    }

    @Test
    void aSetWeightStepIsASignedCloudEventCarryingTheStep() throws Exception {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        RolloutStep step = step("d-0003", StepAction.SET_WEIGHT, "canary", 0, 10);

        ExecutionOutcome outcome = executor().applyStep(step, targetSettings());

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("webhook at " + receiver.baseUrl()
                + " applied set-weight 10% of checkout/production to 2.0.1 (step 0) (HTTP 200)");
        LoggedRequest request = onlyRequest();
        assertThat(request.getUrl()).isEqualTo(PATH);
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo("d-0003/0/set-weight");
        assertThat(request.getHeader("X-Lifeguard-Signature"))
                .isEqualTo("t=" + NOW.getEpochSecond() + ",v1=" + hmacHex(SECRET, NOW.getEpochSecond() + ".", request.getBody()));
        String body = request.getBodyAsString();
        assertThat(EventContract.violations(body)).isEmpty();
        JsonNode event = MAPPER.readTree(body);
        assertThat(event.path("type").asText()).isEqualTo(TYPE);
        assertThat(event.path("subject").asText()).isEqualTo("checkout/production");
        assertThat(event.path("chainid").asText()).isEqualTo("chain-d-0003");
        assertThat(event.at("/data/subject/id").asText()).isEqualTo("d-0003");
        JsonNode content = event.at("/data/subject/content");
        assertThat(content.path("action").asText()).isEqualTo("set-weight");
        assertThat(content.path("strategy").asText()).isEqualTo("canary");
        assertThat(content.path("stepIndex").asInt()).isEqualTo(0);
        assertThat(content.path("weight").asInt()).isEqualTo(10);
        assertThat(content.path("deploymentId").asText()).isEqualTo("d-0003");
        assertThat(content.path("stepId").asText()).isEqualTo("d-0003/0/set-weight");
        assertThat(content.path("version").asText()).isEqualTo("2.0.1");
        assertThat(content.path("image").asText()).isEqualTo("ghcr.io/acme/checkout:2.0.1");
        assertThat(content.path("stableVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("stableImage").asText()).isEqualTo("ghcr.io/acme/checkout:1.0.0");
        assertThat(content.path("reason").isNull()).isTrue();
        assertThat(body).doesNotContain(SECRET);
    }

    @Test
    void promoteAndAbortCarryTheirActionAndTheAbortItsReason() throws Exception {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(204)));
        WebhookRollbackExecutor executor = executor();

        ExecutionOutcome promoted = executor.applyStep(step("d-1", StepAction.PROMOTE, "blue-green", 2, 100), targetSettings());
        ExecutionOutcome aborted = executor.applyStep(step("d-2", StepAction.ABORT, "canary", 1, 0), targetSettings());

        assertThat(promoted.detail()).contains("applied promote of checkout/production to 2.0.1 (step 2)");
        assertThat(aborted.detail()).contains("applied abort of checkout/production 2.0.1, back to 1.0.0 (step 1)");
        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(2);
        JsonNode promote = MAPPER.readTree(requests.get(0).getBodyAsString()).at("/data/subject/content");
        JsonNode abort = MAPPER.readTree(requests.get(1).getBodyAsString()).at("/data/subject/content");
        assertThat(promote.path("action").asText()).isEqualTo("promote");
        assertThat(promote.path("strategy").asText()).isEqualTo("blue-green");
        assertThat(abort.path("action").asText()).isEqualTo("abort");
        assertThat(abort.path("reason").asText()).isEqualTo(REASON);
        assertThat(requests.get(1).getHeader("Idempotency-Key")).isEqualTo("d-2/1/abort");
        assertThat(EventContract.violations(requests.get(0).getBodyAsString())).isEmpty();
        assertThat(EventContract.violations(requests.get(1).getBodyAsString())).isEmpty();
    }

    @Test
    void aRetryOfTheSameStepSendsTheSameEventAndIdempotencyKey() throws Exception {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        WebhookRollbackExecutor executor = executor();
        RolloutStep step = step("d-7", StepAction.SET_WEIGHT, "canary", 2, 50);

        executor.applyStep(step, targetSettings());
        executor.applyStep(step, targetSettings());
        executor.applyStep(step("d-7", StepAction.SET_WEIGHT, "canary", 0, 10), targetSettings());

        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).getHeader("Idempotency-Key")).isEqualTo(requests.get(1).getHeader("Idempotency-Key"));
        assertThat(eventId(requests.get(0))).isEqualTo(eventId(requests.get(1)));
        assertThat(eventId(requests.get(2))).isNotEqualTo(eventId(requests.get(0)));
        assertThat(requests.get(2).getHeader("Idempotency-Key")).isEqualTo("d-7/0/set-weight");
    }

    @Test
    void http202MeansAccepted() {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(202)));

        ExecutionOutcome outcome = executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), targetSettings());

        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.detail()).contains("accepted set-weight 10% of checkout/production").contains("HTTP 202");
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 503})
    void busyOrBrokenReceiversAreRetried(int status) {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(status).withBody("try later")));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.PROMOTE, "canary", 4, 100), targetSettings()))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("webhook at " + receiver.baseUrl() + " answered HTTP " + status + ": try later");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 409, 422})
    void refusalsFailTheStepWithoutRepeatingTheSecret(int status) {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(status).withBody("bad signature for " + SECRET)));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.ABORT, "canary", 1, 0), targetSettings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("webhook at " + receiver.baseUrl() + " refused abort of checkout/production"
                        + " 2.0.1, back to 1.0.0 (step 1) with HTTP " + status)
                .hasMessageContaining("bad signature for ***")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aStepUrlReceivesTheStepsWhileRollbacksStayOnTheUrl() {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        receiver.stubFor(post(STEP_PATH).willReturn(aResponse().withStatus(200)));
        WebhookRollbackExecutor executor = executor();
        ObjectNode validated = executor.validate(settings("{\"url\": \"" + receiver.baseUrl() + PATH
                + "\", \"stepUrl\": \" " + receiver.baseUrl() + STEP_PATH + " \", \"secret\": \"" + SECRET + "\"}"));

        executor.applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), validated);
        executor.execute(dev.lifeguard.deploy.executor.support.ExecutorTestPlans.plan(), validated);

        assertThat(validated.path("stepUrl").asText()).isEqualTo(receiver.baseUrl() + STEP_PATH);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(STEP_PATH)))).singleElement()
                .satisfies(r -> assertThat(r.getHeader("Idempotency-Key")).isEqualTo("d-1/0/set-weight"));
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(PATH)))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("lifeguard-rollback.dispatched"));
    }

    @Test
    void aStepUrlIsValidatedLikeTheUrl() {
        assertThatThrownBy(() -> executor().validate(settings("{\"url\": \"" + receiver.baseUrl() + PATH
                + "\", \"stepUrl\": \"ftp://example.com/x\", \"secret\": \"s\"}")))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("stepUrl"))
                .hasMessageContaining("http or https");
        OutboundUrlGuard productionGuard = new OutboundUrlGuard(false, "lifeguard.deploy.allow-private-network",
                host -> new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.1")});
        WebhookRollbackExecutor guarded = new WebhookRollbackExecutor(config(), SOURCE, productionGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);
        assertThatThrownBy(() -> guarded.validate(settings("{\"url\": \"https://deploy.example.com/r\","
                + " \"stepUrl\": \"https://internal.example.com/s\", \"secret\": \"s\"}")))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining("non-public address");
    }

    @Test
    void withoutAnySecretNoStepIsSent() {
        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10),
                settings("{\"url\": \"" + receiver.baseUrl() + PATH + "\"}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("lifeguard.deploy.executors.webhook.secret");
        assertThat(receiver.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theGoldenExampleMatchesItsSchema() {
        assertThat(EventContract.examples(TYPE)).isNotEmpty().allSatisfy(example ->
                assertThat(EventContract.violations(EventContract.read(example))).isEmpty());
    }

    private WebhookRollbackExecutor executor() {
        return new WebhookRollbackExecutor(config(), SOURCE, localGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);
    }

    private static Config config() {
        return new Config(Optional.empty(), Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static ObjectNode targetSettings() {
        return settings("{\"url\": \"" + receiver.baseUrl() + PATH + "\", \"secret\": \"" + SECRET + "\"}");
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = receiver.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static String eventId(LoggedRequest request) throws Exception {
        return MAPPER.readTree(request.getBodyAsString()).path("id").asText();
    }

    private static String hmacHex(String secret, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
