package dev.lifeguard.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TestKeys;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./lifeguard deploy} against a deploy-service played by WireMock: the signed request and what it prints. */
class DeployCommandTest {

    private static final String EVENTS = "/api/v1/ci/events";
    private static final String ENVIRONMENT_VIEW = "/api/v1/services/checkout/environments/production";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer deployService;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startDeployService() {
        deployService = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        deployService.start();
    }

    @AfterEach
    void stopDeployService() {
        deployService.stop();
    }

    @Test
    void sendsASignedServiceDeployedAndShowsTheEnvironmentOnceItRunsTheVersion() throws Exception {
        acceptEvents();
        deployService.stubFor(get(ENVIRONMENT_VIEW).inScenario("rollout").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404}"))
                .willSetStateTo("old version"));
        deployService.stubFor(get(ENVIRONMENT_VIEW).inScenario("rollout").whenScenarioStateIs("old version")
                .willReturn(json(200, view("1.4.1", "1.4.0")))
                .willSetStateTo("new version"));
        deployService.stubFor(get(ENVIRONMENT_VIEW).inScenario("rollout").whenScenarioStateIs("new version")
                .willReturn(json(200, view("1.4.2", "1.4.1"))));
        Instant before = Instant.now();

        int exit = command(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl() + "/",
                "LIFEGUARD_CI_SOURCE", "github", "LIFEGUARD_CI_SECRET", "s3cret"),
                "--service", "checkout", "--env", "production", "--version", "1.4.2",
                "--image", "ghcr.io/acme/checkout:1.4.2", "--commit", "0a1b2c3", "--team=payments",
                "--change-url", "https://github.com/acme/shop/commit/0a1b2c3");

        assertThat(exit).as(err.toString()).isZero();
        LoggedRequest sent = onlyPost();
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        assertThat(sent.getHeader("X-Lifeguard-Source")).isEqualTo("github");
        assertThat(signatureProblem(sent, "s3cret", before)).isNull();
        JsonNode event = JSON.readTree(sent.getBodyAsString());
        assertThat(sent.getHeader("X-Lifeguard-Delivery")).isEqualTo(event.at("/context/id").asText()).isNotBlank();
        assertThat(event.at("/context/type").asText()).isEqualTo("dev.cdevents.service.deployed.0.3.0");
        assertThat(event.at("/context/specversion").asText()).isEqualTo("0.5.1");
        assertThat(Instant.parse(event.at("/context/timestamp").asText())).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(event.at("/subject/id").asText()).isEqualTo("checkout");
        assertThat(event.at("/subject/content/environment/id").asText()).isEqualTo("production");
        assertThat(event.at("/subject/content/artifactId").asText()).isEqualTo("pkg:generic/checkout@1.4.2");
        assertThat(event.at("/customData/image").asText()).isEqualTo("ghcr.io/acme/checkout:1.4.2");
        assertThat(event.at("/customData/commit").asText()).isEqualTo("0a1b2c3");
        assertThat(event.at("/customData/team").asText()).isEqualTo("payments");
        assertThat(event.at("/customData/changeUrl").asText()).isEqualTo("https://github.com/acme/shop/commit/0a1b2c3");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Reporting checkout 1.4.2 deployed to production",
                "CI source 'github'", deployService.baseUrl() + EVENTS,
                "✓ deploy-service accepted the event",
                "waiting up to 30 s for production to run checkout 1.4.2",
                "✓ checkout 1.4.2 runs in production");
        assertThat(printed.lines()).contains(
                "  current       1.4.2",
                "  status        ANALYSING",
                "  stable        1.4.1 (verified)",
                "  commit        0a1b2c3",
                "  team          payments");
        deployService.verify(3, getRequestedFor(urlEqualTo(ENVIRONMENT_VIEW)));
    }

    @Test
    void withoutConfigurationItSignsAsTheLocalSourceThatTheLocalPlatformStartsDeployServiceWith() throws Exception {
        acceptEvents();
        Instant before = Instant.now();

        int exit = command(Map.of(), "--service", "checkout", "--env", "production", "--version", "2.0.0",
                "--wait", "0");

        assertThat(exit).as(err.toString()).isZero();
        LoggedRequest sent = onlyPost();
        assertThat(sent.getHeader("X-Lifeguard-Source")).isEqualTo(LifeguardService.LOCAL_CI_SOURCE);
        assertThat(signatureProblem(sent, LifeguardService.LOCAL_CI_SECRET, before)).isNull();
        Map<String, String> deployServiceEnvironment = PlatformSettings.defaults(Path.of("/repo"))
                .serviceEnvironment(LifeguardService.DEPLOY);
        assertThat(deployServiceEnvironment).containsEntry(
                "LIFEGUARD_DEPLOY_CI_WEBHOOK_SOURCES_" + LifeguardService.LOCAL_CI_SOURCE.toUpperCase() + "_SECRET",
                LifeguardService.LOCAL_CI_SECRET);
        JsonNode event = JSON.readTree(sent.getBodyAsString());
        assertThat(event.path("customData").isEmpty()).as("no optional flags, no customData fields").isTrue();
        deployService.verify(0, getRequestedFor(anyUrl()));
    }

    @Test
    void aRefusedSignatureIsReportedWithTheProblemDetail() {
        deployService.stubFor(post(EVENTS).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                        + "\"detail\":\"the X-Lifeguard-Signature signature does not match\","
                        + "\"field\":\"X-Lifeguard-Signature\"}")));

        int exit = command(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl(), "LIFEGUARD_CI_SOURCE", "github",
                "LIFEGUARD_CI_SECRET", "wrong"), "--service", "checkout", "--env", "production", "--version", "1.4.2");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("✗ deploy-service refused the event (HTTP 401): the X-Lifeguard-Signature signature does not"
                        + " match [X-Lifeguard-Signature]")
                .contains("Check LIFEGUARD_CI_SOURCE and LIFEGUARD_CI_SECRET")
                .doesNotContain("wrong");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("✓");
        deployService.verify(0, getRequestedFor(anyUrl()));
    }

    @Test
    void theEventGoesWithACiTokenAndTheWaitReadsWithAViewerTokenBothAsTheUser() {
        acceptEvents();
        deployService.stubFor(get(ENVIRONMENT_VIEW).willReturn(json(200, view("1.4.2", "1.4.1"))));

        int exit = command(Map.of("USER", "erin"), "--service", "checkout", "--env", "production", "--version", "1.4.2");

        assertThat(exit).as(err.toString()).isZero();
        TestKeys.assertBearer(deployService, postRequestedFor(urlEqualTo(EVENTS)), "erin", Roles.CI);
        TestKeys.assertBearer(deployService, getRequestedFor(urlEqualTo(ENVIRONMENT_VIEW)), "erin", Roles.VIEWER);
    }

    @Test
    void aTokenWithoutTheCiRoleIsRefusedWithWhatItNeeds() {
        deployService.stubFor(post(EVENTS).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"Forbidden\",\"status\":403,\"detail\":\"needs one of the roles [ci]\"}")));
        String viewer = TestKeys.credentials().token("erin", Roles.VIEWER);

        int exit = new DeployCommand(Map.of(), Credentials.given(viewer), deployService.baseUrl(), print(out),
                print(err), false, Duration.ofMillis(20))
                .run(new String[]{"--service", "checkout", "--env", "production", "--version", "1.4.2"});

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("POST " + deployService.baseUrl() + EVENTS + " refused (403 {")
                .contains("this needs the role ci (report deployments, test evidence and metrics)")
                .contains("LIFEGUARD_TOKEN is subject erin, groups [viewer]")
                .contains("./lifeguard token --role ci");
        deployService.verify(0, getRequestedFor(anyUrl()));
    }

    @Test
    void anUnreachableDeployServiceIsAClearError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DeployCommand command = new DeployCommand(Map.of(), TestKeys.credentials(), "http://127.0.0.1:" + closedPort,
                print(out), print(err), false, Duration.ofMillis(20));

        int exit = command.run(new String[]{"--service", "checkout", "--env", "production", "--version", "1.4.2"});

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("✗ cannot reach deploy-service at http://127.0.0.1:" + closedPort)
                .contains("./lifeguard up");
    }

    @Test
    void aGatedOrRollingOutVersionEndsTheWaitWithWhatItWaitsForAndTheCommandThatFollowsIt() {
        acceptEvents();
        deployService.stubFor(get(ENVIRONMENT_VIEW).willReturn(json(200, """
                {"service":"checkout","environment":"production","currentVersion":"1.4.1","status":"STABLE",
                 "history":[{"id":"d-7","version":"1.4.2","status":"GATED",
                             "gateReason":"checkout/production was rolled back: 1.4.2 needs passing test evidence first"},
                            {"id":"d-6","version":"1.4.1","status":"STABLE"}]}
                """)));

        int exit = command(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl(), "LIFEGUARD_CI_SOURCE", "github",
                "LIFEGUARD_CI_SECRET", "s3cret"), "--service", "checkout", "--env", "production", "--version", "1.4.2");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("✓ checkout 1.4.2 is GATED in production (deployment d-7): checkout/production was rolled"
                        + " back: 1.4.2 needs passing test evidence first")
                .contains("./lifeguard rollout override d-7 --reason");

        deployService.stubFor(get(ENVIRONMENT_VIEW).willReturn(json(200, """
                {"service":"checkout","environment":"production","currentVersion":"1.4.1","status":"STABLE",
                 "history":[{"id":"d-8","version":"1.4.3","status":"ROLLING_OUT","strategy":{"type":"canary"}}]}
                """)));
        out.reset();
        exit = command(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl(), "LIFEGUARD_CI_SOURCE", "github",
                "LIFEGUARD_CI_SECRET", "s3cret"), "--service", "checkout", "--env", "production", "--version", "1.4.3");

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("✓ checkout 1.4.3 is rolling out in production (deployment d-8, canary)")
                .contains("follow it: ./lifeguard rollout watch d-8");
    }

    @Test
    void whenTheVersionDoesNotShowWithinTheWaitItSaysWhatRunsInstead() {
        acceptEvents();
        deployService.stubFor(get(ENVIRONMENT_VIEW).willReturn(json(200, view("1.4.1", "1.4.0"))));

        int exit = command(Map.of(), "--service", "checkout", "--env", "production", "--version", "1.4.2",
                "--wait", "1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("✗ deploy-service accepted the event, but after 1 s production does not show checkout 1.4.2"
                        + " (it runs 1.4.1)")
                .contains("./lifeguard logs deploy");
    }

    @Test
    void missingFlagsAndSettingsAreUsageErrorsAndSendNothing() {
        assertThat(command(Map.of(), "--service", "checkout", "--env", "production")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ --version is required")
                .contains("usage: ./lifeguard deploy --service S --env E --version V");

        err.reset();
        assertThat(command(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl()),
                "--service", "checkout", "--env", "production", "--version", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ LIFEGUARD_CI_SECRET is not set");

        err.reset();
        assertThat(command(Map.of("LIFEGUARD_DEPLOY_URL", "deploy.example.com", "LIFEGUARD_CI_SECRET", "s"),
                "--service", "checkout", "--env", "production", "--version", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ LIFEGUARD_DEPLOY_URL must be deploy-service's"
                + " http(s) base URL");

        deployService.verify(0, anyRequestedFor(anyUrl()));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private int command(Map<String, String> environment, String... args) {
        return new DeployCommand(new HashMap<>(environment), TestKeys.credentials(), deployService.baseUrl(), print(out),
                print(err), false, Duration.ofMillis(20)).run(args);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private void acceptEvents() {
        deployService.stubFor(post(EVENTS).willReturn(json(202,
                "{\"status\":\"accepted\",\"eventId\":\"e\",\"deliveryId\":\"e\",\"type\":\"dev.cdevents.service.deployed.0.3.0\"}")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** deploy-service's environment view (the fields the command prints). */
    private static String view(String current, String stable) {
        return """
                {"service":"checkout","environment":"production","currentVersion":"%s","stableVersion":"%s",
                 "stableVerified":true,"status":"ANALYSING",
                 "current":{"id":"d-2","version":"%s","status":"ANALYSING","commit":"0a1b2c3","team":"payments",
                            "changeUrl":"https://github.com/acme/shop/commit/0a1b2c3",
                            "deployedAt":"2026-12-02T21:00:00Z"},
                 "history":[]}""".formatted(current, stable, current);
    }

    private LoggedRequest onlyPost() {
        List<LoggedRequest> posts = deployService.findAll(postRequestedFor(urlEqualTo(EVENTS)));
        assertThat(posts).hasSize(1);
        return posts.get(0);
    }

    /**
     * Verifies {@code X-Lifeguard-Signature} as deploy-service does, written out here: t within five minutes,
     * v1 = hex HMAC-SHA256(secret, t + "." + the exact body bytes). Null when valid.
     */
    private static String signatureProblem(LoggedRequest request, String secret, Instant sentAfter) throws Exception {
        String header = request.getHeader("X-Lifeguard-Signature");
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return "malformed header: " + header;
        }
        long seconds = Long.parseLong(header.substring(2, header.indexOf(',')));
        if (seconds < sentAfter.getEpochSecond() || seconds > Instant.now().getEpochSecond()) {
            return "timestamp " + seconds + " is not the time of sending";
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((seconds + ".").getBytes(StandardCharsets.US_ASCII));
        String expected = HexFormat.of().formatHex(mac.doFinal(request.getBody()));
        return expected.equals(header.substring(header.indexOf("v1=") + 3)) ? null : "signature does not match";
    }
}
