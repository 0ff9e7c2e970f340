package dev.lifeguard.launcher.cli;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.launcher.auth.Credentials;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./lifeguard policy} against a real HTTP server standing in for rollback-service: what it sends, what it
 * prints (problem+json with the field it names) and its exit code.
 */
class PolicyCommandTest {

    private static final String ENVIRONMENT_PATH = "/api/v1/policies/environments/production";
    private static final String SERVICE_PATH = "/api/v1/policies/services/checkout/environments/production";
    private static final String ENVIRONMENT_ROW = """
            {"mode": "approval", "onInconclusive": "hold", "maxRollbacksPerHour": 5,
             "freezeWindows": [{"cron": "0 18 * * FRI", "duration": "PT62H", "zone": "Europe/Paris", "reason": "weekend"}],
             "escalationTeam": "sre-leads", "version": 3, "updatedAt": "2026-12-01T09:00:00Z", "updatedBy": "alice"}""";
    private static final String SERVICE_ROW = """
            {"mode": "auto", "cooldown": "PT30M", "version": 1, "updatedAt": "2026-12-02T10:00:00Z", "updatedBy": "bob"}""";

    private final WireMockServer rollbackService = new WireMockServer(wireMockConfig().dynamicPort());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        rollbackService.start();
    }

    @AfterEach
    void stop() {
        rollbackService.stop();
    }

    @Test
    void setPutsTheFlagsAsTheBodyWithTheirJsonTypesAndSaysItWasCreated() {
        rollbackService.stubFor(put(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(json(201, """
                {"mode": "approval", "cooldown": "30m", "maxRollbacksPerHour": 5, "dryRun": false,
                 "approvalTimeout": "15m", "onApprovalTimeout": "rollback", "escalationTeam": "sre-leads",
                 "maxDepth": 2, "onInconclusive": "hold",
                 "version": 1, "updatedAt": "2026-12-03T07:00:00Z", "updatedBy": "bob"}""")));

        int code = run("set", "--environment", "production", "--mode", "approval", "--on-inconclusive", "hold",
                "--cooldown", "30m", "--max-rollbacks-per-hour", "5", "--dry-run", "false", "--approval-timeout=15m",
                "--on-approval-timeout", "rollback", "--escalation-team", "sre-leads", "--max-depth", "2");

        assertThat(code).isZero();
        // an environment-wide policy without a team is the platform's: admin, as the person running the command
        TestKeys.assertBearer(rollbackService, putRequestedFor(urlPathEqualTo(ENVIRONMENT_PATH)), "bob", Roles.ADMIN);
        rollbackService.verify(putRequestedFor(urlPathEqualTo(ENVIRONMENT_PATH))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"mode": "approval", "onInconclusive": "hold", "cooldown": "30m", "maxRollbacksPerHour": 5,
                         "dryRun": false, "approvalTimeout": "15m", "onApprovalTimeout": "rollback",
                         "escalationTeam": "sre-leads", "maxDepth": 2}""")));
        assertThat(stdout()).contains(
                "✓ policy of environment production created: version 1, updated 2026-12-03T07:00:00Z by bob",
                "  mode:                approval",
                "  maxRollbacksPerHour: 5",
                "  maxDepth:            2");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void setOfAServiceTakesTheFileAndTheFlagsOverItAndDropsWhatRollbackServiceAddsToIt(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, """
                {"mode": "auto", "dryRun": true, "version": 4, "updatedAt": "2026-12-01T00:00:00Z", "updatedBy": "x",
                 "freezeWindows": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z", "reason": "holidays"}]}""");
        rollbackService.stubFor(put(urlPathEqualTo(SERVICE_PATH)).willReturn(json(200, """
                {"mode": "approval", "dryRun": true, "freezeWindows": [{"from": "2026-12-24T00:00:00Z",
                 "to": "2026-12-27T00:00:00Z", "reason": "holidays"}], "by": "carol",
                 "version": 5, "updatedAt": "2026-12-03T07:00:00Z", "updatedBy": "carol"}""")));

        int code = run("set", "--service", "checkout", "--env", "production", "--file", file.toString(), "--mode",
                "approval", "--by", "carol");

        assertThat(code).isZero();
        // --by names the token's subject; the body names no actor
        TestKeys.assertBearer(rollbackService, putRequestedFor(urlPathEqualTo(SERVICE_PATH)), "carol", Roles.ADMIN);
        rollbackService.verify(putRequestedFor(urlPathEqualTo(SERVICE_PATH))
                .withRequestBody(equalToJson("""
                        {"mode": "approval", "dryRun": true,
                         "freezeWindows": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z",
                                            "reason": "holidays"}]}""")));
        assertThat(stdout()).contains("✓ policy of checkout in production replaced: version 5",
                "  freezeWindows:", "    - 2026-12-24T00:00:00Z → 2026-12-27T00:00:00Z (holidays)",
                "./lifeguard policy effective --service checkout --environment production");
    }

    @Test
    void aRefusedPolicyPrintsTheFieldAndTheDetailAndExitsOne() {
        rollbackService.stubFor(put(urlPathEqualTo(SERVICE_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"type": "about:blank", "title": "Invalid request", "status": 400,
                         "detail": "maxRollbacksPerHour is set per environment, not per service",
                         "field": "maxRollbacksPerHour"}""")));

        int code = run("set", "--service", "checkout", "--environment", "production", "--max-rollbacks-per-hour", "3");

        assertThat(code).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("✗ rollback-service refused the policy of checkout in production: 400 Invalid"
                + " request: maxRollbacksPerHour is set per environment, not per service (field: maxRollbacksPerHour)");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void getPrintsTheStoredFieldsOrItsJson() {
        rollbackService.stubFor(get(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(json(200, ENVIRONMENT_ROW)));

        assertThat(run("get", "--environment", "production")).isZero();
        assertThat(stdout()).contains("policy of environment production: version 3, updated 2026-12-01T09:00:00Z by alice",
                "  mode:                approval", "  escalationTeam:      sre-leads",
                "    - cron \"0 18 * * FRI\" for PT62H (Europe/Paris) (weekend)");

        out.reset();
        assertThat(run("get", "--environment", "production", "--json")).isZero();
        assertThat(stdout()).contains("\"maxRollbacksPerHour\" : 5");
    }

    @Test
    void getOfAMissingPolicyExitsOneWithTheProblem() {
        rollbackService.stubFor(get(urlPathEqualTo(SERVICE_PATH)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\": \"Not Found\", \"status\": 404, \"detail\": \"no policy for checkout in production\"}")));

        assertThat(run("get", "--service", "checkout", "--environment", "production")).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("✗ rollback-service has no policy for checkout in production: 404 Not Found: no"
                + " policy for checkout in production");
    }

    @Test
    void deleteSaysWhatIsInheritedNow() {
        rollbackService.stubFor(delete(urlPathEqualTo(SERVICE_PATH)).willReturn(aResponse().withStatus(204)));

        assertThat(run("delete", "--service", "checkout", "--environment", "production")).isZero();
        TestKeys.assertBearer(rollbackService, deleteRequestedFor(urlPathEqualTo(SERVICE_PATH)), "bob", Roles.ADMIN);
        assertThat(stdout()).contains("✓ policy of checkout in production deleted: checkout inherits production's"
                + " policy, else the defaults");
    }

    @Test
    void deleteOfAMissingPolicyExitsOne() {
        rollbackService.stubFor(delete(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\": \"Not Found\", \"status\": 404, \"detail\": \"no policy for production\"}")));

        assertThat(run("delete", "--environment", "production")).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("✗ rollback-service did not delete the policy of environment production: 404"
                + " Not Found: no policy for production");
    }

    @Test
    void effectivePrintsEachValueWithWhereItComesFrom() {
        rollbackService.stubFor(get(urlPathEqualTo("/api/v1/policies/effective"))
                .withQueryParam("service", equalTo("checkout")).withQueryParam("environment", equalTo("production"))
                .willReturn(json(200, """
                        {"sources": [{"scope": "environment", "environment": "production", "service": null, "version": 3},
                                     {"scope": "service", "environment": "production", "service": "checkout", "version": 1}],
                         "mode": "auto", "onInconclusive": "hold", "cooldown": "PT30M", "maxRollbacksPerHour": 5,
                         "freezeWindows": [{"cron": "0 18 * * FRI", "duration": "PT62H", "zone": "Europe/Paris"}],
                         "dryRun": false, "approvalTimeout": "PT15M", "onApprovalTimeout": "hold",
                         "escalationTeam": "sre-leads", "maxDepth": 1}""")));
        rollbackService.stubFor(get(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(json(200, ENVIRONMENT_ROW)));
        rollbackService.stubFor(get(urlPathEqualTo(SERVICE_PATH)).willReturn(json(200, SERVICE_ROW)));

        int code = run("effective", "--service", "checkout", "--environment", "production");

        assertThat(code).isZero();
        assertThat(stdout()).contains(
                "effective policy of checkout in production: environment production v3 + service checkout/production v1",
                line("mode", "auto", "← service checkout/production v1"),
                line("onInconclusive", "hold", "← environment production v3"),
                line("cooldown", "PT30M", "← service checkout/production v1"),
                line("maxRollbacksPerHour", "5", "← environment production v3"),
                "← environment production v3 (union)",
                line("dryRun", "false", "← default"),
                line("approvalTimeout", "PT15M", "← default (lifeguard.rollback.approval-timeout)"),
                line("escalationTeam", "sre-leads", "← environment production v3"),
                line("maxDepth", "1", "← default"));
    }

    @Test
    void effectiveWithoutAnyStoredPolicyShowsTheDefaults() {
        rollbackService.stubFor(get(urlPathEqualTo("/api/v1/policies/effective")).willReturn(json(200, """
                {"sources": [], "mode": "auto", "onInconclusive": "ignore", "cooldown": null, "maxRollbacksPerHour": null,
                 "freezeWindows": [], "dryRun": false, "approvalTimeout": "PT15M", "onApprovalTimeout": "hold",
                 "escalationTeam": "sre-oncall", "maxDepth": 1}""")));
        rollbackService.stubFor(get(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(404)));
        rollbackService.stubFor(get(urlPathEqualTo(SERVICE_PATH)).willReturn(aResponse().withStatus(404)));

        assertThat(run("effective", "--service", "checkout", "--environment", "production")).isZero();
        assertThat(stdout()).contains("effective policy of checkout in production: no stored policy (defaults)",
                line("mode", "auto", "← default"), line("cooldown", "none", "← default"),
                line("freezeWindows", "none", "← default"));
    }

    @Test
    void badUsageExitsTwoAndSendsNothing() {
        assertThat(run("set", "--environment", "production")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ nothing to set: give --mode");
        err.reset();
        assertThat(run("get", "--service", "checkout")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ missing --environment");
        err.reset();
        assertThat(run("effective", "--environment", "production")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ missing --service");
        err.reset();
        assertThat(run("set", "--environment", "production", "--max-depth", "9")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ --max-depth must be a whole number from 1 to 5, not '9'");
        err.reset();
        assertThat(run("set", "--environment", "production", "--dry-run", "maybe")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ --dry-run must be true or false, not 'maybe'");
        err.reset();
        assertThat(run("get", "--environment", "production", "--mode", "off")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ --mode goes with set only");
        err.reset();
        assertThat(run("set", "--environment", "production", "--file", "/nonexistent/policy.json"))
                .isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ --file /nonexistent/policy.json: cannot read it as JSON");
        err.reset();
        assertThat(run("show", "--environment", "production")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ unknown action 'show'");
        err.reset();
        assertThat(run("set", "--environment", "production", "--colour", "red")).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("✗ unknown option --colour", "usage: ./lifeguard policy");

        assertThat(rollbackService.getAllServeEvents()).isEmpty();
        assertThat(run("--help")).isZero();
        assertThat(stdout()).contains("usage: ./lifeguard policy get|set|delete");
    }

    @Test
    void anUnreachableRollbackServiceIsAClearError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int code = new PolicyCommand("http://localhost:" + closedPort, TestKeys.credentials(), "bob", stream(out),
                stream(err))
                .run(List.of("get", "--environment", "production"));

        assertThat(code).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("✗ cannot reach rollback-service at http://localhost:" + closedPort,
                "Set LIFEGUARD_ROLLBACK_URL");
    }

    @Test
    void rollbackServiceComesFromTheEnvironmentElseFromTheLocalPlatform(@TempDir Path home) {
        rollbackService.stubFor(delete(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(204)));
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home)
                .withServicePort(LifeguardService.ROLLBACK, rollbackService.port());
        LocalKeys keys = LocalKeys.ensure(settings.keysDirectory());

        assertThat(PolicyCommand.fromEnvironment(Map.of("USER", "carol"), settings, stream(out), stream(err))
                .run(List.of("delete", "--environment", "production"))).isZero();
        assertThat(PolicyCommand.fromEnvironment(Map.of("LIFEGUARD_ROLLBACK_URL", rollbackService.baseUrl(),
                        "LIFEGUARD_USER", "dave"), settings, stream(out), stream(err))
                .run(List.of("delete", "--environment", "production"))).isZero();

        // signed with the platform's key in <home>/keys, as the user of the environment
        assertThat(rollbackService.findAll(deleteRequestedFor(urlPathEqualTo(ENVIRONMENT_PATH))))
                .extracting(request -> TestKeys.verifiedClaims(request.getHeader("Authorization"), keys.publicKey())
                        .path("sub").asText())
                .containsExactly("carol", "dave");
    }

    @Test
    void aTeamsPolicyIsSetAndDeletedAsAnOperatorOfThatTeamAndStoredWithIt() {
        rollbackService.stubFor(put(urlPathEqualTo(SERVICE_PATH)).willReturn(json(201, """
                {"mode": "approval", "team": "payments", "version": 1, "updatedAt": "2026-12-03T07:00:00Z",
                 "updatedBy": "bob"}""")));
        rollbackService.stubFor(delete(urlPathEqualTo(SERVICE_PATH)).willReturn(aResponse().withStatus(204)));
        rollbackService.stubFor(get(urlPathEqualTo(SERVICE_PATH)).willReturn(json(200, """
                {"mode": "approval", "team": "payments", "version": 1}""")));

        assertThat(run("set", "--service", "checkout", "--environment", "production", "--mode", "approval",
                "--team", "payments")).isZero();
        assertThat(run("get", "--service", "checkout", "--environment", "production", "--team", "payments")).isZero();
        assertThat(run("delete", "--service", "checkout", "--environment", "production", "--team", "payments")).isZero();

        TestKeys.assertBearer(rollbackService, putRequestedFor(urlPathEqualTo(SERVICE_PATH)), "bob", Roles.OPERATOR,
                "payments");
        rollbackService.verify(putRequestedFor(urlPathEqualTo(SERVICE_PATH))
                .withRequestBody(equalToJson("{\"mode\": \"approval\", \"team\": \"payments\"}")));
        TestKeys.assertBearer(rollbackService, getRequestedFor(urlPathEqualTo(SERVICE_PATH)), "bob", Roles.VIEWER,
                "payments");
        TestKeys.assertBearer(rollbackService, deleteRequestedFor(urlPathEqualTo(SERVICE_PATH)), "bob", Roles.OPERATOR,
                "payments");
    }

    @Test
    void readingNeedsOnlyAViewerToken() {
        rollbackService.stubFor(get(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(json(200, ENVIRONMENT_ROW)));

        assertThat(run("get", "--environment", "production")).isZero();

        TestKeys.assertBearer(rollbackService, getRequestedFor(urlPathEqualTo(ENVIRONMENT_PATH)), "bob", Roles.VIEWER);
    }

    @Test
    void aForbiddenPolicySaysWhichRoleItNeedsAndHowToGetAToken() {
        rollbackService.stubFor(put(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"title": "Forbidden", "status": 403, "detail": "needs one of the roles [admin]"}""")));

        int code = new PolicyCommand(rollbackService.baseUrl(), Credentials.given(TestKeys.credentials()
                .token("erin", Roles.VIEWER)), "erin", stream(out), stream(err))
                .run(List.of("set", "--environment", "production", "--mode", "off"));

        assertThat(code).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("rollback-service PUT /api/v1/policies/environments/production refused"
                        + " (403 Forbidden: needs one of the roles [admin]): this needs the role admin",
                "LIFEGUARD_TOKEN is subject erin, groups [viewer], teams []",
                "./lifeguard token --role admin");
    }

    @Test
    void anExpiredOrUntrustedTokenSaysHowToGetAFreshOne() {
        rollbackService.stubFor(get(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer")
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"title": "Unauthorized", "status": 401, "detail": "a valid bearer token is required"}""")));

        assertThat(run("get", "--environment", "production")).isEqualTo(PolicyCommand.FAILED);
        assertThat(stderr()).contains("rollback-service GET /api/v1/policies/environments/production did not accept"
                        + " the token (401 Unauthorized: a valid bearer token is required): it is missing, expired, or"
                        + " not signed by a key the service trusts",
                "./lifeguard down && ./lifeguard up", "./lifeguard token --role viewer");
    }

    @Test
    void withLifeguardTokenItIsSentAsItIsAndByMustNotNameSomeoneElse() {
        String token = TestKeys.credentials().token("frank", Roles.ADMIN);
        rollbackService.stubFor(delete(urlPathEqualTo(ENVIRONMENT_PATH)).willReturn(aResponse().withStatus(204)));
        Credentials given = Credentials.given(token);

        assertThat(new PolicyCommand(rollbackService.baseUrl(), given, "bob", stream(out), stream(err))
                .run(List.of("delete", "--environment", "production"))).isZero();
        rollbackService.verify(deleteRequestedFor(urlPathEqualTo(ENVIRONMENT_PATH))
                .withHeader("Authorization", equalTo("Bearer " + token)));

        rollbackService.resetRequests();
        assertThat(new PolicyCommand(rollbackService.baseUrl(), given, "bob", stream(out), stream(err))
                .run(List.of("delete", "--environment", "production", "--by", "mallory"))).isEqualTo(PolicyCommand.USAGE);
        assertThat(stderr()).contains("--by mallory: with LIFEGUARD_TOKEN set, the actor is that token's subject (frank)");
        assertThat(rollbackService.getAllServeEvents()).isEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static String line(String field, String value, String origin) {
        return String.format("  %-20s %-24s %s", field, value, origin);
    }

    private int run(String... args) {
        return new PolicyCommand(rollbackService.baseUrl(), TestKeys.credentials(), "bob", stream(out), stream(err))
                .run(List.of(args));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
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
