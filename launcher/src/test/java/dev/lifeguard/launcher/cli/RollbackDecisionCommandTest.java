package dev.lifeguard.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./lifeguard rollback show|approve|reject <id>} against a real HTTP server standing in for rollback-service.
 * The decisions it answers are built from the golden event examples, as {@code GET /api/v1/rollbacks/{id}} shows them.
 */
class RollbackDecisionCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "rollback-0004";
    private static final String PATH = "/api/v1/rollbacks/" + ID;

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
    void showPrintsTheExplanationAndTheApproval() throws Exception {
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, awaitingApproval().toString())));

        int code = run("show", ID);

        assertThat(code).isZero();
        assertThat(stdout()).contains(
                "rollback rollback-0004: AWAITING_APPROVAL (rule mode-approval)",
                "  checkout in production: 2.0.0 → 1.0.0 (deployment d-0002, decided 2026-11-26T10:01:22Z)",
                "  reason: policy production v3 asks for approval: roll checkout 2.0.0 back to 1.0.0?",
                "  policy: environment production v3 → mode approval, onInconclusive hold, cooldown PT30M,"
                        + " maxRollbacksPerHour 5, freezeWindows none, dryRun false, approvalTimeout PT15M,"
                        + " onApprovalTimeout hold, escalationTeam sre-leads, maxDepth 1",
                "  trigger: anomaly (anomaly 5a7e9c10-0003-4d2b-8f31-000000000003, analysis d-0002)",
                "  evidence: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0",
                "  storm guard: 1 automatic rollback(s) of limit 5 within PT1H (since 2026-11-26T09:01:22Z)",
                "  inputs: deploymentStatus RUNNING, stableVersion 1.0.0, depth 1",
                "  approval: deadline 2026-11-26T10:16:22Z; waiting for an answer: ./lifeguard rollback"
                        + " approve|reject rollback-0004");
        assertThat(stderr()).isEmpty();
    }

    @Test
    void showOfASettledDecisionSaysWhoWhenWhyAndTheExecution() throws Exception {
        ObjectNode decision = decided("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved");
        ((ObjectNode) decision.path("approval")).put("settledBy", "alice").put("settledAt", "2026-11-26T10:03:00Z")
                .put("settleReason", "error rate is real, go");
        decision.put("execution", "EXECUTED").put("executionDetail", "webhook answered 200");
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, decision.toString())));

        assertThat(run("show", ID)).isZero();
        assertThat(stdout()).contains("rollback rollback-0004: APPROVED (rule approved)",
                "  approval: deadline 2026-11-26T10:16:22Z; settled by alice at 2026-11-26T10:03:00Z: \"error rate is"
                        + " real, go\"",
                "  execution (deploy-service): EXECUTED - webhook answered 200");
    }

    @Test
    void showOfADryRunNamesTheFreezeWindowAndWhatItWouldHaveDone() throws Exception {
        ObjectNode decision = awaitingApproval();
        decision.put("decision", "DRY_RUN").put("rule", "dry-run").remove("approval");
        ObjectNode explanation = (ObjectNode) decision.path("explanation");
        explanation.put("rule", "dry-run").put("reason", "dry run: would have asked for approval because a freeze"
                + " window is active");
        ((ObjectNode) explanation.path("policy")).putArray("sources").addObject().put("scope", "service")
                .put("environment", "production").put("service", "checkout").put("version", 2);
        ObjectNode inputs = (ObjectNode) explanation.path("inputs");
        inputs.put("wouldBe", "AWAITING_APPROVAL").putNull("stormGuard");
        inputs.putObject("freezeWindow").put("from", "2026-11-26T00:00:00Z").put("to", "2026-11-27T00:00:00Z")
                .put("reason", "Black Friday");
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, decision.toString())));

        assertThat(run("show", ID)).isZero();
        assertThat(stdout()).contains("rollback rollback-0004: DRY_RUN (rule dry-run)",
                "  reason: dry run: would have asked for approval because a freeze window is active",
                "  policy: service checkout/production v2 → mode approval",
                "  freeze window: 2026-11-26T00:00:00Z → 2026-11-27T00:00:00Z (Black Friday)",
                "  inputs: deploymentStatus RUNNING, stableVersion 1.0.0, depth 1, wouldBe AWAITING_APPROVAL")
                .doesNotContain("storm guard", "approval:");
    }

    @Test
    void showOfAnUnknownIdExitsOneWithTheProblem() {
        rollbackService.stubFor(get(urlPathEqualTo("/api/v1/rollbacks/nope")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\": \"Not Found\", \"status\": 404, \"detail\": \"no rollback decision with id 'nope'\"}")));

        assertThat(run("show", "nope")).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service GET /api/v1/rollbacks/nope: 404 Not Found: no rollback"
                + " decision with id 'nope'");
    }

    @Test
    void approvePostsWhoAndWhyAndPrintsTheSettledDecision() throws Exception {
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(json(200,
                decided("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved").toString())));

        int code = run("approve", ID, "--by", "alice", "--reason", "error rate is real, go");

        assertThat(code).isZero();
        // who approves is the operator token's subject; the body names no actor
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/approve")), "alice",
                Roles.OPERATOR);
        rollbackService.verify(postRequestedFor(urlPathEqualTo(PATH + "/approve"))
                .withRequestBody(equalToJson("{\"reason\": \"error rate is real, go\"}")));
        assertThat(stdout()).contains("✓ approved rollback-0004 (by alice): deploy-service executes the rollback",
                "  rollback rollback-0004: APPROVED (rule approved)",
                "    reason: approved by alice (\"error rate is real, go\"): roll checkout 2.0.0 back to 1.0.0",
                "    approval: deadline 2026-11-26T10:16:22Z; settled by alice: \"error rate is real, go\"");
    }

    @Test
    void approveWithoutByIsTheUserOfTheShell() throws Exception {
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(json(200,
                decided("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved").toString())));

        assertThat(run("approve", ID)).isZero();
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/approve")), "bob",
                Roles.OPERATOR);
        rollbackService.verify(postRequestedFor(urlPathEqualTo(PATH + "/approve")).withRequestBody(equalToJson("{}")));
    }

    @Test
    void rejectPostsTheReason() throws Exception {
        ObjectNode rejected = decided("dev.cdeventsx.lifeguard-rollback.decided.0.1.0.approved");
        rejected.put("decision", "REJECTED").put("rule", "rejected");
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/reject")).willReturn(json(200, rejected.toString())));

        int code = run("reject", ID, "--reason", "the spike is the load test");

        assertThat(code).isZero();
        rollbackService.verify(postRequestedFor(urlPathEqualTo(PATH + "/reject"))
                .withRequestBody(equalToJson("{\"reason\": \"the spike is the load test\"}")));
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/reject")), "bob",
                Roles.OPERATOR);
        assertThat(stdout()).contains("✓ rejected rollback-0004 (by bob): nothing is rolled back",
                "rollback rollback-0004: REJECTED (rule rejected)");
    }

    @Test
    void showNeedsOnlyAViewerToken() throws Exception {
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, awaitingApproval().toString())));

        assertThat(run("show", ID)).isZero();

        TestKeys.assertBearer(rollbackService, getRequestedFor(urlPathEqualTo(PATH)), "bob", Roles.VIEWER);
    }

    @Test
    void approvingWithAViewerTokenSaysThatItNeedsAnOperator() {
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"title": "Forbidden", "status": 403, "detail": "needs one of the roles [operator]"}""")));
        String viewerToken = TestKeys.credentials().token("carol", Roles.VIEWER);

        int code = new RollbackCommand(rollbackService.baseUrl(), deployService.baseUrl(),
                Credentials.given(viewerToken), "bob", stream(out), stream(err), Duration.ofMillis(20), false)
                .run(List.of("approve", ID));

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service POST /api/v1/rollbacks/rollback-0004/approve refused (403"
                        + " Forbidden: needs one of the roles [operator]): this needs the role operator",
                "LIFEGUARD_TOKEN is subject carol, groups [viewer]", "./lifeguard token --role operator");
        rollbackService.verify(postRequestedFor(urlPathEqualTo(PATH + "/approve"))
                .withHeader("Authorization", equalTo("Bearer " + viewerToken)));
    }

    @Test
    void approvingARejectedDecisionIsAConflictNamingTheField() {
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"type": "about:blank", "title": "Conflict", "status": 409,
                         "detail": "rollback rollback-0004 was REJECTED by carol", "field": "decision"}""")));

        assertThat(run("approve", ID)).isEqualTo(1);
        assertThat(stderr()).contains("✗ rollback-service refused to approve rollback-0004: 409 Conflict: rollback"
                + " rollback-0004 was REJECTED by carol (field: decision)");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void aReasonRefusedByRollbackServiceIsPrintedWithItsField() {
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/reject")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json").withBody("""
                        {"title": "Invalid request", "status": 400, "detail": "field 'reason' must be at most 2000 characters",
                         "field": "reason"}""")));

        assertThat(run("reject", ID, "--reason", "x")).isEqualTo(1);
        assertThat(stderr()).contains("400 Invalid request: field 'reason' must be at most 2000 characters (field: reason)");
    }

    @Test
    void badUsageExitsTwoAndSendsNothing() {
        assertThat(run("reject", ID)).isEqualTo(2);
        assertThat(stderr()).contains("✗ reject needs --reason");
        err.reset();
        assertThat(run("approve")).isEqualTo(2);
        assertThat(stderr()).contains("✗ approve needs a rollback id");
        err.reset();
        assertThat(run("show", ID, "--by", "x")).isEqualTo(2);
        assertThat(stderr()).contains("✗ show takes no option (--by)");
        err.reset();
        assertThat(run("approve", ID, "--force")).isEqualTo(2);
        assertThat(stderr()).contains("✗ unknown option --force", "usage: ./lifeguard rollback show <id>");
        err.reset();
        assertThat(run("approve", ID, "other")).isEqualTo(2);
        assertThat(stderr()).contains("✗ unexpected argument 'other'");

        assertThat(rollbackService.getAllServeEvents()).isEmpty();
        assertThat(run("approve", "--help")).isZero();
        assertThat(stdout()).contains("usage: ./lifeguard rollback show <id>");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** The view of GET /api/v1/rollbacks/{id} for the golden AWAITING_APPROVAL decision. */
    private static ObjectNode awaitingApproval() throws Exception {
        return decided("dev.cdeventsx.lifeguard-rollback.decided.0.1.0");
    }

    /** A decision view made of a golden {@code decided} event: its content, plus id, rule, decidedAt, approval. */
    private static ObjectNode decided(String example) throws Exception {
        Path root = Path.of(System.getProperty("lifeguard.root", "..")).toAbsolutePath();
        JsonNode event = JSON.readTree(Files.readString(root.resolve("contracts/events/examples/" + example + ".json")));
        ObjectNode view = ((ObjectNode) event.at("/data/subject/content")).deepCopy();
        view.put("id", ID).put("rule", view.at("/explanation/rule").asText())
                .put("reason", view.at("/explanation/reason").asText()).put("decidedAt", "2026-11-26T10:01:22Z");
        view.putObject("approval").put("deadline", "2026-11-26T10:16:22Z").putNull("escalatedAt").putNull("settledBy")
                .putNull("settledAt").putNull("settleReason");
        view.putNull("execution").putNull("executionDetail");
        return view;
    }

    private int run(String... args) {
        return new RollbackCommand(rollbackService.baseUrl(), deployService.baseUrl(), TestKeys.credentials(), "bob",
                stream(out), stream(err), Duration.ofMillis(20), false).run(List.of(args));
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
