package dev.lifeguard.deploy.executor.webhook;

import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.TransientExecutionException;
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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.MAPPER;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.REASON;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.closedPort;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.plan;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signed rollback webhook against a real HTTP receiver (WireMock). */
class WebhookRollbackExecutorTest {

    private static final String SECRET = "whsec-5f1d8c0e-secret-value";
    private static final String PATH = "/hooks/rollback";
    private static final Instant NOW = Instant.parse("2026-11-26T10:01:23.412Z");
    private static final String SOURCE = "/lifeguard/deploy-service";

    private static WireMockServer receiver;

    /** Made-up DNS for the guard that refuses private networks, as in production; changed by tests. */
    private final Map<String, String> dns = new ConcurrentHashMap<>();
    private final OutboundUrlGuard productionGuard = new OutboundUrlGuard(false,
            "lifeguard.deploy.allow-private-network", this::resolve);
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
    void postsASignedCloudEventNamingTheTargetTheVersionsAndTheReason() throws Exception {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        RollbackPlan plan = plan();

        ExecutionOutcome outcome = executor(config(Duration.ofSeconds(5))).execute(plan, targetSettings());

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("webhook at " + receiver.baseUrl()
                + " rolled checkout/production back to 1.0.0 (HTTP 200)");
        LoggedRequest request = onlyRequest();
        assertThat(request.getUrl()).isEqualTo(PATH);
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(plan.rollbackId());
        assertThat(request.getHeader("X-Lifeguard-Signature"))
                .isEqualTo("t=" + NOW.getEpochSecond() + ",v1=" + hmacHex(SECRET, NOW.getEpochSecond() + ".", request.getBody()));

        String body = request.getBodyAsString();
        assertThat(EventContract.violations(body)).isEmpty();
        JsonNode event = MAPPER.readTree(body);
        assertThat(event.path("type").asText()).isEqualTo("dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0");
        assertThat(event.path("source").asText()).isEqualTo(SOURCE);
        assertThat(event.path("subject").asText()).isEqualTo("checkout/production");
        assertThat(event.path("time").asText()).isEqualTo("2026-11-26T10:01:23.412Z");
        assertThat(event.path("chainid").asText()).isEqualTo(plan.chainId());
        assertThat(event.at("/data/subject/id").asText()).isEqualTo(plan.rollbackId());
        JsonNode content = event.at("/data/subject/content");
        assertThat(content.path("service").asText()).isEqualTo("checkout");
        assertThat(content.path("environment").asText()).isEqualTo("production");
        assertThat(content.path("rollbackId").asText()).isEqualTo(plan.rollbackId());
        assertThat(content.path("fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(content.path("toVersion").asText()).isEqualTo("1.0.0");
        assertThat(content.path("toArtifactId").asText()).isEqualTo(plan.toArtifactId());
        assertThat(content.path("toImage").asText()).isEqualTo("ghcr.io/acme/checkout:1.0.0");
        assertThat(content.path("reason").asText()).isEqualTo(REASON);
        assertThat(content.path("completeUrl").asText()).isEqualTo("/api/v1/rollbacks/" + plan.rollbackId() + "/complete");
        assertThat(body).doesNotContain(SECRET);
    }

    @Test
    void theGoldenExampleMatchesItsSchema() {
        String example = EventContract.read(EventContract.examples("dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0").get(0));

        assertThat(EventContract.violations(example)).isEmpty();
    }

    @Test
    void aRetryOfTheSameRollbackSendsTheSameEventAndIdempotencyKey() throws Exception {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(204)));
        RollbackPlan plan = plan();
        WebhookRollbackExecutor executor = executor(config(Duration.ofSeconds(5)));

        executor.execute(plan, targetSettings());
        executor.execute(plan, targetSettings());
        executor.execute(plan(), targetSettings());

        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(3);
        assertThat(requests.get(0).getHeader("Idempotency-Key")).isEqualTo(requests.get(1).getHeader("Idempotency-Key"));
        assertThat(eventId(requests.get(0))).isEqualTo(eventId(requests.get(1)));
        assertThat(eventId(requests.get(2))).isNotEqualTo(eventId(requests.get(0)));
    }

    @Test
    void http202MeansAcceptedAndOther2xxMeanDone() {
        WebhookRollbackExecutor executor = executor(config(Duration.ofSeconds(5)));
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(202)));

        ExecutionOutcome accepted = executor.execute(plan(), targetSettings());

        assertThat(accepted.completed()).isFalse();
        assertThat(accepted.detail()).contains("accepted the rollback of checkout/production to 1.0.0 (HTTP 202)");

        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(201)));
        assertThat(executor.execute(plan(), targetSettings()).completed()).isTrue();
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(204)));
        assertThat(executor.execute(plan(), targetSettings()).completed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503})
    void busyOrBrokenReceiversAreRetried(int status) {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(status).withBody("try later")));

        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5))).execute(plan(), targetSettings()))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("webhook at " + receiver.baseUrl() + " answered HTTP " + status + ": try later");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409, 410, 422})
    void refusalsFailTheRollbackAtOnceWithoutRepeatingTheSecret(int status) {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(status)
                .withBody("{\"error\": \"bad signature for secret " + SECRET + "\"}")));

        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5))).execute(plan(), targetSettings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("webhook at " + receiver.baseUrl() + " refused the rollback with HTTP " + status)
                .hasMessageContaining("bad signature for secret ***")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(307).withHeader("Location", "/elsewhere")));
        receiver.stubFor(post("/elsewhere").willReturn(aResponse().withStatus(200)));

        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5))).execute(plan(), targetSettings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("HTTP 307 (a redirect, which Lifeguard does not follow");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/elsewhere")))).isEmpty();
    }

    @Test
    void noAnswerWithinTheTimeoutIsRetried() {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));

        assertThatThrownBy(() -> executor(config(Duration.ofMillis(300))).execute(plan(), targetSettings()))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("webhook at " + receiver.baseUrl() + ": no answer within 300 ms");
    }

    @Test
    void aRefusedConnectionIsRetried() {
        String url = "http://localhost:" + closedPort() + PATH;

        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5)))
                .execute(plan(), settings("{\"url\": \"" + url + "\", \"secret\": \"" + SECRET + "\"}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("connection refused");
    }

    @Test
    void privateAddressesAreRefusedWhenPrivateNetworksAreNotAllowed() {
        WebhookRollbackExecutor executor = new WebhookRollbackExecutor(config(Duration.ofSeconds(5)), SOURCE,
                productionGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);

        ObjectNode httpsToLoopback = settings("{\"url\": \"https://localhost:" + receiver.port() + PATH
                + "\", \"secret\": \"" + SECRET + "\"}");
        assertThatThrownBy(() -> executor.validate(httpsToLoopback))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining("non-public address 127.0.0.1")
                .hasMessageContaining("lifeguard.deploy.allow-private-network");
        assertThatThrownBy(() -> executor.validate(targetSettings()))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("url"))
                .hasMessageContaining("must use https");
        assertThatThrownBy(() -> executor.execute(plan(), httpsToLoopback))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("webhook URL refused")
                .hasMessageContaining("non-public address 127.0.0.1");
        assertThat(receiver.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theUrlIsCheckedAgainBeforeEachCallBecauseDnsAnswersChange() {
        WebhookRollbackExecutor executor = new WebhookRollbackExecutor(config(Duration.ofSeconds(5)), SOURCE,
                productionGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);
        dns.put("deploy.example.com", "93.184.216.34");
        ObjectNode validated = executor.validate(
                settings("{\"url\": \"https://deploy.example.com/rollback\", \"secret\": \"" + SECRET + "\"}"));

        dns.put("deploy.example.com", "169.254.169.254");

        assertThatThrownBy(() -> executor.execute(plan(), validated))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("resolves to 169.254.169.254, cloud metadata");

        dns.put("deploy.example.com", "10.1.2.3");

        assertThatThrownBy(() -> executor.execute(plan(), validated))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("non-public address 10.1.2.3");

        dns.remove("deploy.example.com");

        assertThatThrownBy(() -> executor.execute(plan(), validated))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("does not resolve");
    }

    @Test
    void validateNormalisesTheSettingsAndNamesTheOneThatIsWrong() {
        WebhookRollbackExecutor executor = executor(config(Duration.ofSeconds(5)));

        assertThat(executor.validate(settings("{\"url\": \" " + url() + " \", \"secret\": \" s3cret \"}")))
                .isEqualTo(settings("{\"url\": \"" + url() + "\", \"secret\": \"s3cret\"}"));
        expectInvalid(executor, "{\"secret\": \"s3cret\"}", "url", "setting 'url' is required");
        expectInvalid(executor, "{\"url\": 42, \"secret\": \"s3cret\"}", "url", "non-empty string");
        expectInvalid(executor, "{\"url\": \"ftp://example.com/x\", \"secret\": \"s3cret\"}", "url", "http or https");
        expectInvalid(executor, "{\"url\": \"" + url() + "\"}", "secret", "unsigned rollback requests");
        expectInvalid(executor, "{\"url\": \"" + url() + "\", \"secret\": \"  \"}", "secret", "non-empty string");
        expectInvalid(executor, "{\"url\": \"" + url() + "\", \"secret\": \"s\", \"token\": \"t\"}", "token",
                "unknown setting 'token'");
        assertThat(executor.secretSettings()).containsExactly("secret");
    }

    @Test
    void configuredDefaultsServeTargetsWithoutSettings() throws Exception {
        receiver.stubFor(post("/default-hook").willReturn(aResponse().withStatus(200)));
        WebhookRollbackExecutor executor = new WebhookRollbackExecutor(
                new Config(Optional.of(receiver.baseUrl() + "/default-hook"), Optional.of("config-secret"),
                        Duration.ofSeconds(5), Duration.ofSeconds(5)),
                SOURCE, productionGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);

        ObjectNode validated = executor.validate(settings("{}"));
        ExecutionOutcome outcome = executor.execute(plan(), validated);

        assertThat(validated).isEmpty();
        assertThat(outcome.completed()).isTrue();
        LoggedRequest request = receiver.findAll(postRequestedFor(urlEqualTo("/default-hook"))).get(0);
        assertThat(request.getHeader("X-Lifeguard-Signature")).endsWith(
                ",v1=" + hmacHex("config-secret", NOW.getEpochSecond() + ".", request.getBody()));
    }

    @Test
    void aTargetWithoutSecretFailsWhenNoDefaultIsConfiguredAnyMore() {
        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5))).execute(plan(), settings("{\"url\": \"" + url() + "\"}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("lifeguard.deploy.executors.webhook.secret");
        assertThat(receiver.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aPlanWithoutAStableVersionIsNotSent() {
        RollbackPlan plan = plan();
        RollbackPlan withoutTarget = new RollbackPlan(plan.rollbackId(), plan.service(), plan.environment(),
                plan.fromVersion(), null, null, null, plan.reason(), plan.chainId());

        assertThatThrownBy(() -> executor(config(Duration.ofSeconds(5))).execute(withoutTarget, targetSettings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("names no stable version");
        assertThat(receiver.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theSecretAppearsInNoDetailAndNoDescription() {
        receiver.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        WebhookRollbackExecutor executor = executor(config(Duration.ofSeconds(5)));

        assertThat(executor.execute(plan(), targetSettings()).detail()).doesNotContain(SECRET);
        assertThat(executor.toString()).doesNotContain(SECRET);
    }

    private WebhookRollbackExecutor executor(Config config) {
        return new WebhookRollbackExecutor(config, SOURCE, localGuard, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC), HTTP, InetAddress::getAllByName);
    }

    private static Config config(Duration requestTimeout) {
        return new Config(Optional.empty(), Optional.empty(), Duration.ofSeconds(2), requestTimeout);
    }

    private static String url() {
        return receiver.baseUrl() + PATH;
    }

    private static ObjectNode targetSettings() {
        return settings("{\"url\": \"" + url() + "\", \"secret\": \"" + SECRET + "\"}");
    }

    private static void expectInvalid(WebhookRollbackExecutor executor, String settings, String setting, String message) {
        assertThatThrownBy(() -> executor.validate(settings(settings)))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(message);
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = receiver.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static String eventId(LoggedRequest request) throws Exception {
        return MAPPER.readTree(request.getBodyAsString()).path("id").asText();
    }

    /** HMAC-SHA256 of prefix + body, computed here independently of HmacSignature. */
    private static String hmacHex(String secret, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals("localhost")) {
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }
        String address = dns.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    record Config(Optional<String> url, Optional<String> secret, Duration connectTimeout, Duration requestTimeout)
            implements WebhookConfig {

        @Override
        public boolean allowPrivateNetwork() {
            return true;
        }
    }
}
