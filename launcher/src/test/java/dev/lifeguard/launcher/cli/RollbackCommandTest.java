package dev.lifeguard.launcher.cli;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TestKeys;
import dev.lifeguard.launcher.platform.LifeguardService;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./lifeguard rollback} against real HTTP servers standing in for rollback-service and deploy-service:
 * what it sends, what it prints and its exit code for each outcome.
 */
class RollbackCommandTest {

    private static final String DECISION_ID = "6f1c2d3e-0000-4000-8000-000000000042";
    private static final String DECISION = """
            {"id": "%s", "service": "checkout", "environment": "production", "deploymentId": "d-0002",
             "fromVersion": "2.0.0", "toVersion": "1.0.0", "decision": "MANUAL",
             "reason": "manual (requested by alice): EU customers get 502", "anomalyId": null,
             "chainId": "c-1", "decidedAt": "2026-11-26T11:30:00Z", "requestedBy": "alice"}
            """.formatted(DECISION_ID);
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final WireMockServer rollbackService = new WireMockServer(wireMockConfig().dynamicPort());
    private final WireMockServer deployService = new WireMockServer(wireMockConfig().dynamicPort());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        rollbackService.start();
        deployService.start();
    }

    @AfterEach
    void stop() {
        rollbackService.stop();
        deployService.stop();
    }

    @Test
    void sendsTheRequestWithAnIdempotencyKeyThenFollowsDeployServiceUntilItIsExecuted() {
        decisionAnswered();
        deployServiceReports(List.of("[]",
                rollbacks("EXECUTING", "webhook", null),
                rollbacks("EXECUTED", "webhook", "webhook https://deploy.example.com/rollback answered 200")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "EU customers get 502",
                "--requested-by", "alice");

        assertThat(code).isZero();
        List<LoggedRequest> posts = rollbackService.findAll(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks")));
        assertThat(posts).hasSize(1);
        rollbackService.verify(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Idempotency-Key", matching(UUID_PATTERN))
                .withRequestBody(equalToJson("""
                        {"service": "checkout", "environment": "production", "reason": "EU customers get 502"}""")));
        // who asks is the operator token's subject; deploy-service is read with a viewer token
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo("/api/v1/rollbacks")), "alice",
                Roles.OPERATOR);
        TestKeys.assertBearer(deployService, getRequestedFor(urlPathEqualTo("/api/v1/rollbacks")), "alice",
                Roles.VIEWER);
        deployService.verify(getRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))
                .withQueryParam("service", equalTo("checkout"))
                .withQueryParam("environment", equalTo("production")));
        assertThat(stdout()).contains(
                "✓ Rollback decided: " + DECISION_ID,
                "  checkout in production: 2.0.0 -> 1.0.0 (deployment d-0002)",
                "  reason: manual (requested by alice): EU customers get 502",
                "  … waiting for deploy-service to receive the request",
                "  … deploy-service is executing it (executor webhook) (EXECUTING)",
                "✓ Rolled back: checkout in production runs 1.0.0 again (executor webhook): webhook"
                        + " https://deploy.example.com/rollback answered 200");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void anAcceptedRollbackSucceedsAndSaysHowItIsCompleted() {
        decisionAnswered();
        deployServiceReports(List.of(rollbacks("ACCEPTED", "manual",
                "manual rollback: roll checkout back to 1.0.0 in production, then report it")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken");

        assertThat(code).isZero();
        assertThat(stdout()).contains(
                "✓ Accepted (executor manual): manual rollback: roll checkout back to 1.0.0 in production, then report it",
                "Waiting for your CD tool",
                "curl -X POST -H \"Authorization: Bearer $(./lifeguard token --role operator)\" "
                        + deployService.baseUrl() + "/api/v1/rollbacks/" + DECISION_ID + "/complete");
    }

    @Test
    void aFailedRollbackExitsOneWithDeployServicesDetail() {
        decisionAnswered();
        deployServiceReports(List.of(rollbacks("FAILED", "webhook",
                "webhook https://deploy.example.com/rollback answered 503 (3 attempts over 1m10s)")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("✗ Rollback failed (executor webhook): webhook https://deploy.example.com/rollback"
                + " answered 503 (3 attempts over 1m10s)", "checkout in production still runs 2.0.0");
    }

    @Test
    void aSkippedRollbackExitsOneWithTheReason() {
        decisionAnswered();
        deployServiceReports(List.of(rollbacks("SKIPPED", null, "deployment d-0002 is no longer current: 2.1.0 replaced it")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("✗ Rollback skipped: deployment d-0002 is no longer current: 2.1.0 replaced it");
    }

    @Test
    void withoutAnOutcomeInTimeItExitsTwoAndSaysWhatToCheck() {
        decisionAnswered();
        deployServiceReports(List.of(rollbacks("EXECUTING", "argocd", null)));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken", "--wait", "1");

        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("✗ No outcome from deploy-service within 1 s. Decision " + DECISION_ID
                        + " is recorded; its outcome there is EXECUTING.",
                "curl " + VIEWER + " '" + deployService.baseUrl()
                        + "/api/v1/rollbacks?service=checkout&environment=production'",
                "curl " + VIEWER + " '" + rollbackService.baseUrl() + "/api/v1/rollbacks/" + DECISION_ID + "'",
                "./lifeguard logs deploy");
    }

    @Test
    void anUnreachableDeployServiceIsNamedWhenTheWaitEnds() {
        decisionAnswered();
        String deployUrl = deployService.baseUrl();
        deployService.stop();

        int code = new RollbackCommand(rollbackService.baseUrl(), deployUrl, TestKeys.credentials(), "bob", stream(out),
                stream(err),
                Duration.ofMillis(20), false)
                .run(List.of("--service", "checkout", "--env", "production", "--reason", "broken", "--wait", "1"));

        assertThat(code).isEqualTo(2);
        assertThat(stdout()).contains("  … cannot ask deploy-service (");
        assertThat(stderr()).contains("deploy-service has not shown the request yet",
                "- deploy-service at " + deployUrl + " (LIFEGUARD_DEPLOY_URL): ");
    }

    @Test
    void aRefusedRequestPrintsTheProblemAndDoesNotWait() {
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("""
                        {"type": "about:blank", "title": "Invalid request", "status": 400,
                         "detail": "version 2.0.0 was rolled back (deployment d-0002)", "field": "toVersion"}""")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken", "--to-version", "2.0.0");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service refused the rollback: 400 Invalid request: version 2.0.0"
                + " was rolled back (deployment d-0002) (field: toVersion)");
        rollbackService.verify(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))
                .withRequestBody(equalToJson("""
                        {"service": "checkout", "environment": "production", "reason": "broken", "toVersion": "2.0.0"}""")));
        assertThat(deployService.getAllServeEvents()).isEmpty();
        assertThat(stdout()).isEmpty();
    }

    @Test
    void aConflictSaysWhatIsUnderWay() {
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("""
                        {"title": "Conflict", "status": 409, "detail": "a rollback of checkout in production is under way"}""")));

        assertThat(run("--service", "checkout", "--env", "production", "--reason", "broken")).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service refused the rollback: 409 Conflict: a rollback of checkout in"
                + " production is under way");
    }

    @Test
    void aServiceThatIsBrieflyUnavailableIsAskedAgainWithTheSameIdempotencyKey() {
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).inScenario("restart")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\": \"Database unavailable\", \"status\": 503, \"detail\": \"try again shortly\"}")));
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).inScenario("restart")
                .whenScenarioStateIs("up").willReturn(created()));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken", "--wait", "0",
                "--idempotency-key", "ci-run-77");

        assertThat(code).isZero();
        List<LoggedRequest> posts = rollbackService.findAll(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks")));
        assertThat(posts).extracting(request -> request.getHeader("Idempotency-Key")).containsExactly("ci-run-77", "ci-run-77");
        assertThat(stderr()).contains("rollback-service answered 503 Database unavailable: try again shortly; asking again");
        assertThat(stdout()).contains("✓ Rollback decided: " + DECISION_ID, "not waiting for the outcome; follow it with: curl "
                + VIEWER + " '" + deployService.baseUrl() + "/api/v1/rollbacks?service=checkout&environment=production'");
        assertThat(deployService.getAllServeEvents()).as("--wait 0 does not wait").isEmpty();
    }

    @Test
    void anUnreachableRollbackServiceIsAClearError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RollbackCommand command = new RollbackCommand("http://localhost:" + closedPort, deployService.baseUrl(),
                TestKeys.credentials(), null, stream(out), stream(err), Duration.ofMillis(10), false);

        assertThat(command.run(List.of("--service", "checkout", "--env", "production", "--reason", "broken"))).isEqualTo(1);
        assertThat(stderr()).contains("✗ cannot reach rollback-service at http://localhost:" + closedPort,
                "Is Lifeguard running (./lifeguard status)? Set LIFEGUARD_ROLLBACK_URL");
    }

    @Test
    void missingOrUnknownFlagsAreUsageErrorsAndNothingIsSent() {
        assertThat(run("--service", "checkout", "--reason", "broken")).isEqualTo(2);
        assertThat(stderr()).contains("✗ missing --env (a rollback names the service, the environment and why)",
                "usage: ./lifeguard rollback --service S --env E --reason R");

        err.reset();
        assertThat(run("--env", "production")).isEqualTo(2);
        assertThat(stderr()).contains("✗ missing --service, --reason");

        err.reset();
        assertThat(run("--service", "checkout", "--env", "production", "--reason")).isEqualTo(2);
        assertThat(stderr()).contains("✗ --reason needs a value");

        err.reset();
        assertThat(run("--service", "checkout", "--env", "production", "--reason", "x", "--force")).isEqualTo(2);
        assertThat(stderr()).contains("✗ unknown option --force");

        err.reset();
        assertThat(run("--service", "checkout", "--env", "production", "--reason", "x", "--wait", "soon")).isEqualTo(2);
        assertThat(stderr()).contains("✗ --wait must be a number of seconds from 0 to 3600, not 'soon'");

        assertThat(rollbackService.getAllServeEvents()).isEmpty();
        assertThat(run("--help")).isZero();
        assertThat(stdout()).contains("usage: ./lifeguard rollback");
    }

    @Test
    void theFlagsAlsoTakeTheirValueAfterAnEqualsSign() {
        decisionAnswered();

        int code = run("--service=checkout", "--environment=production", "--reason=it is broken", "--wait=0",
                "--to-version=1.0.0");

        assertThat(code).isZero();
        rollbackService.verify(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks")).withRequestBody(equalToJson("""
                {"service": "checkout", "environment": "production", "reason": "it is broken", "toVersion": "1.0.0"}""")));
    }

    @Test
    void theServicesComeFromTheEnvironmentElseFromTheLocalPlatform(@TempDir Path home) {
        decisionAnswered();
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home)
                .withServicePort(LifeguardService.ROLLBACK, rollbackService.port());
        LocalKeys keys = LocalKeys.ensure(settings.keysDirectory());

        int code = RollbackCommand.fromEnvironment(Map.of("LIFEGUARD_DEPLOY_URL", deployService.baseUrl() + "/",
                        "USER", "carol"), settings, stream(out), stream(err))
                .run(List.of("--service", "checkout", "--env", "production", "--reason", "broken", "--wait", "0"));

        assertThat(code).isZero();
        rollbackService.verify(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))
                .withRequestBody(equalToJson("""
                        {"service": "checkout", "environment": "production", "reason": "broken"}""")));
        assertThat(stdout()).contains("curl -H \"Authorization: Bearer $(./lifeguard token --role viewer)\" '"
                + deployService.baseUrl() + "/api/v1/rollbacks?service=checkout");
        assertThat(RollbackCommand.fromEnvironment(Map.of("LIFEGUARD_USER", "dave", "USER", "carol",
                        "LIFEGUARD_ROLLBACK_URL", rollbackService.baseUrl()), settings,
                stream(out), stream(err)).run(List.of("--service", "checkout", "--env", "production", "--reason", "x",
                "--wait", "0"))).isZero();
        rollbackService.verify(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))
                .withRequestBody(equalToJson("""
                        {"service": "checkout", "environment": "production", "reason": "x"}""")));
        assertThat(rollbackService.findAll(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks"))))
                .extracting(request -> TestKeys.verifiedClaims(request.getHeader("Authorization"), keys.publicKey())
                        .path("sub").asText())
                .containsExactly("carol", "dave");
    }

    @Test
    void aRequestWithoutATokenTheServiceTrustsIsNotRetriedAndSaysHowToGetOne() {
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer").withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\": \"Unauthorized\", \"status\": 401, \"detail\": \"the token has expired\"}")));

        int code = run("--service", "checkout", "--env", "production", "--reason", "broken");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service POST /api/v1/rollbacks did not accept the token (401"
                + " Unauthorized: the token has expired)", "./lifeguard token --role operator");
        assertThat(rollbackService.findAll(postRequestedFor(urlPathEqualTo("/api/v1/rollbacks")))).hasSize(1);
        assertThat(deployService.getAllServeEvents()).isEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** The curl lines printed carry a viewer token. */
    private static final String VIEWER = "-H \"Authorization: Bearer $(./lifeguard token --role viewer)\"";

    private int run(String... args) {
        return new RollbackCommand(rollbackService.baseUrl(), deployService.baseUrl(), TestKeys.credentials(), "bob",
                stream(out), stream(err), Duration.ofMillis(20), false).run(List.of(args));
    }

    private void decisionAnswered() {
        rollbackService.stubFor(post(urlPathEqualTo("/api/v1/rollbacks")).willReturn(created()));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withHeader("Location", "/api/v1/rollbacks/" + DECISION_ID).withBody(DECISION);
    }

    /** deploy-service's answers to successive polls; the last one is repeated. */
    private void deployServiceReports(List<String> answers) {
        for (int i = 0; i < answers.size(); i++) {
            var stub = get(urlPathEqualTo("/api/v1/rollbacks")).inScenario("polls")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "poll-" + i);
            if (i + 1 < answers.size()) {
                stub = stub.willSetStateTo("poll-" + (i + 1));
            }
            deployService.stubFor(stub.willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(answers.get(i))));
        }
    }

    /** deploy-service's list with an unrelated rollback and ours, in the given state. */
    private static String rollbacks(String outcome, String executor, String detail) {
        return """
                [{"id": "%s", "deploymentId": "d-0002", "service": "checkout", "environment": "production",
                  "fromVersion": "2.0.0", "toVersion": "1.0.0", "reason": "manual: broken", "outcome": "%s",
                  "outcomeDetail": %s, "executor": %s, "requestedAt": "2026-11-26T11:30:01Z"},
                 {"id": "older", "deploymentId": "d-0001", "service": "checkout", "environment": "production",
                  "fromVersion": "1.0.0", "toVersion": "0.9.0", "reason": "r", "outcome": "EXECUTED",
                  "outcomeDetail": null, "executor": "record", "requestedAt": "2026-11-20T11:30:01Z"}]
                """.formatted(DECISION_ID, outcome, quoted(detail), quoted(executor));
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
