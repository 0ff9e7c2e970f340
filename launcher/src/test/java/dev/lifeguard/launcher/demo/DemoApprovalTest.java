package dev.lifeguard.launcher.demo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./lifeguard demo --approval}: its policy and its wait for the answer, against a real HTTP server standing in
 * for rollback-service (approved with curl from elsewhere, typed y / n in the terminal, nobody answering).
 */
class DemoApprovalTest {

    private static final String ID = "rollback-0004";
    private static final String PATH = "/api/v1/rollbacks/" + ID;
    /** A wait that goes wrong fails within this past the decisions' deadline (30 s after they are made). */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final WireMockServer rollbackService = new WireMockServer(wireMockConfig().dynamicPort());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        rollbackService.start();
    }

    @AfterEach
    void stop() {
        rollbackService.stop();
    }

    // --- the wait ----------------------------------------------------------------------------------------------

    @Test
    void anApprovalSentWithCurlFromElsewhereEndsTheWaitWithoutAnAnswerOfTheDemo() {
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null), decision("AWAITING_APPROVAL", null, null),
                decision("APPROVED", "bob", "checked the dashboards")));

        ApprovalWait.Outcome outcome = waitFor(null, Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.APPROVED);
        assertThat(outcome.by()).isEqualTo("bob");
        assertThat(outcome.reason()).isEqualTo("checked the dashboards");
        assertThat(outcome.byTheDemo()).isFalse();
        assertThat(outcome.rollsBack()).isTrue();
        assertThat(rollbackService.findAll(postRequestedFor(urlPathMatching(PATH + "/.*")))).isEmpty();
        assertThat(Demo.settledText(outcome)).isEqualTo("✓ rollback approved by bob (\"checked the dashboards\"):"
                + " rollback-service publishes it, deploy-service executes it");
    }

    @Test
    void withoutATerminalAndWithoutAnAnswerTheDemoApprovesAsItsOperatorAndSaysSo() {
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null)));
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(json(200,
                decision("APPROVED", "lifeguard-demo", "no answer within 1 s: approved by the demo as its operator"))));

        ApprovalWait.Outcome outcome = waitFor(null, Duration.ofSeconds(1));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.APPROVED);
        assertThat(outcome.byTheDemo()).isTrue();
        rollbackService.verify(1, postRequestedFor(urlPathEqualTo(PATH + "/approve"))
                .withRequestBody(equalToJson("""
                        {"reason": "no answer within 1 s: approved by the demo as its operator"}""")));
        // the demo approves with an operator token of its own name; it polls with a viewer token
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/approve")), "lifeguard-demo",
                Roles.OPERATOR);
        TestKeys.assertBearer(rollbackService, getRequestedFor(urlPathEqualTo(PATH)), "alice", Roles.VIEWER);
        assertThat(output()).contains("… waiting for the answer, ", " of 1 s, then the demo approves; rollback "
                        + ID + " is AWAITING_APPROVAL",
                "no answer within 1 s and no terminal to ask: the demo approves as its operator (lifeguard-demo)");
        assertThat(Demo.settledText(outcome)).startsWith("✓ rollback approved by lifeguard-demo, the demo's operator");
    }

    @Test
    void yTypedInTheTerminalApprovesInTheNameOfThePersonThere() {
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null)));
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).willReturn(json(200,
                decision("APPROVED", "alice", "approved in the demo's terminal"))));

        ApprovalWait.Outcome outcome = waitFor(terminal("y\n"), Duration.ofSeconds(1));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.APPROVED);
        assertThat(outcome.by()).isEqualTo("alice");
        assertThat(outcome.byTheDemo()).isFalse();
        rollbackService.verify(1, postRequestedFor(urlPathEqualTo(PATH + "/approve"))
                .withRequestBody(equalToJson("{\"reason\": \"approved in the demo's terminal\"}")));
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/approve")), "alice",
                Roles.OPERATOR);
        assertThat(output()).contains("approve the rollback? [y/n]");
    }

    @Test
    void nTypedInTheTerminalAsksWhyAndRejectsWithThatReason() {
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null)));
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/reject")).willReturn(json(200,
                decision("REJECTED", "alice", "the spike is our load test"))));

        ApprovalWait.Outcome outcome = waitFor(terminal("maybe\nn\nthe spike is our load test\n"), Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.REJECTED);
        assertThat(outcome.rollsBack()).isFalse();
        rollbackService.verify(1, postRequestedFor(urlPathEqualTo(PATH + "/reject"))
                .withRequestBody(equalToJson("{\"reason\": \"the spike is our load test\"}")));
        TestKeys.assertBearer(rollbackService, postRequestedFor(urlPathEqualTo(PATH + "/reject")), "alice",
                Roles.OPERATOR);
        assertThat(rollbackService.findAll(postRequestedFor(urlPathEqualTo(PATH + "/approve")))).isEmpty();
        assertThat(output()).contains("answer y or n", "why? (one line, recorded and told to the team");
        assertThat(Demo.settledText(outcome)).isEqualTo("✗ rollback rejected by alice (\"the spike is our load test\"):"
                + " nothing is rolled back");
    }

    @Test
    void nWithItsReasonOnTheSameLineRejectsAtOnce() {
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null)));
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/reject")).willReturn(json(200,
                decision("REJECTED", "alice", "known issue, fix is coming"))));

        ApprovalWait.Outcome outcome = waitFor(terminal("n known issue, fix is coming\n"), Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.REJECTED);
        rollbackService.verify(1, postRequestedFor(urlPathEqualTo(PATH + "/reject"))
                .withRequestBody(matchingJsonPath("$.reason", equalTo("known issue, fix is coming"))));
    }

    @Test
    void anAnswerRefusedBecauseSomeoneElseAnsweredFirstShowsTheirAnswer() {
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, decision("AWAITING_APPROVAL", null, null))));
        rollbackService.stubFor(post(urlPathEqualTo(PATH + "/approve")).inScenario("race")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("rejected")
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/problem+json")
                        .withBody("""
                                {"title": "Conflict", "status": 409, "detail": "rollback-0004 was REJECTED by carol",
                                 "field": "decision"}""")));
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).inScenario("race").whenScenarioStateIs("rejected")
                .willReturn(json(200, decision("REJECTED", "carol", "not now"))));

        ApprovalWait.Outcome outcome = waitFor(terminal("y\n"), Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.REJECTED);
        assertThat(outcome.by()).isEqualTo("carol");
        assertThat(output()).contains("→ 409: Conflict: rollback-0004 was REJECTED by carol (field: decision)");
    }

    @Test
    void aRequestTheApprovalTimeoutHeldEndsTheWaitAsHeld() {
        String held = decision("HELD", "timeout", "nobody answered the approval within PT10M")
                .replace("\"escalatedAt\": null", "\"escalatedAt\": \"2026-11-26T10:11:22Z\"");
        decisionPolls(List.of(decision("AWAITING_APPROVAL", null, null), held));

        ApprovalWait.Outcome outcome = waitFor(null, Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.HELD);
        assertThat(outcome.rollsBack()).isFalse();
        assertThat(rollbackService.findAll(postRequestedFor(urlPathMatching(PATH + "/.*")))).isEmpty();
    }

    @Test
    void aRollbackServiceBrieflyUnreachableIsToldAndAskedAgain() {
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).inScenario("restart").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("up").willReturn(aResponse().withStatus(503).withBody("restarting")));
        rollbackService.stubFor(get(urlPathEqualTo(PATH)).inScenario("restart").whenScenarioStateIs("up")
                .willReturn(json(200, decision("APPROVED", "bob", null))));

        ApprovalWait.Outcome outcome = waitFor(null, Duration.ofSeconds(60));

        assertThat(outcome.kind()).isEqualTo(ApprovalWait.Kind.APPROVED);
        assertThat(output()).contains("! cannot read rollback " + ID + " (GET " + rollbackService.baseUrl() + PATH
                + " answered 503 restarting); asking again");
    }

    @Test
    void theInstructionsNameTheExactCurlAndCliLines() {
        List<String> interactive = ApprovalWait.instructions("http://localhost:8083", ID, true, Duration.ofSeconds(60));
        List<String> unattended = ApprovalWait.instructions("http://localhost:8083", ID, false, Duration.ofSeconds(45));

        assertThat(interactive).contains(
                "  curl -X POST http://localhost:8083/api/v1/rollbacks/rollback-0004/approve -H \"Authorization: Bearer"
                        + " $(./lifeguard token --role operator --subject you)\" -H 'Content-Type: application/json'"
                        + " -d '{}'",
                "  curl -X POST http://localhost:8083/api/v1/rollbacks/rollback-0004/reject -H \"Authorization: Bearer"
                        + " $(./lifeguard token --role operator --subject you)\" -H 'Content-Type: application/json'"
                        + " -d '{\"reason\":\"why\"}'",
                "  ./lifeguard rollback approve rollback-0004 --by you",
                "  ./lifeguard rollback reject rollback-0004 --by you --reason \"why\"",
                "or here: type y (approve) or n (reject), then Enter");
        assertThat(unattended).contains("no terminal here to ask: without an answer within 45 s the demo approves as"
                + " its operator (lifeguard-demo)");
    }

    // --- the policy --------------------------------------------------------------------------------------------

    @Test
    void thePolicyIsTheDemoServicesOwnAndIsRemovedAtTheEnd() {
        String path = "/api/v1/policies/services/checkout-ab12/environments/production";
        rollbackService.stubFor(put(urlPathEqualTo(path)).willReturn(json(201, """
                {"mode": "approval", "approvalTimeout": "10m", "onApprovalTimeout": "hold", "version": 1,
                 "updatedAt": "2026-12-03T07:00:00Z", "updatedBy": "lifeguard-demo"}""")));
        rollbackService.stubFor(delete(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)));
        ApprovalPolicy policy = new ApprovalPolicy(demoAdmin(), rollbackService.baseUrl(), "checkout-ab12", "production");

        assertThat(ApprovalPolicy.describe(policy.store()))
                .isEqualTo("mode approval, approvalTimeout 10m, onApprovalTimeout hold (version 1)");
        assertThat(policy.remove()).isNull();

        rollbackService.verify(putRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson("""
                {"mode": "approval", "approvalTimeout": "10m", "onApprovalTimeout": "hold"}""")));
        // a policy without a team is the platform's: the demo stores and removes it as an admin of its own name
        TestKeys.assertBearer(rollbackService, putRequestedFor(urlPathEqualTo(path)), "lifeguard-demo", Roles.ADMIN);
        TestKeys.assertBearer(rollbackService, deleteRequestedFor(urlPathEqualTo(path)), "lifeguard-demo", Roles.ADMIN);
    }

    @Test
    void aRefusedPolicyFailsTheDemoWithRollbackServicesAnswer() {
        rollbackService.stubFor(put(urlPathMatching("/api/v1/policies/.*")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\": \"Invalid request\", \"status\": 400, \"detail\": \"unknown field\", \"field\": \"by\"}")));
        ApprovalPolicy policy = new ApprovalPolicy(demoAdmin(), rollbackService.baseUrl(), "checkout-ab12", "production");

        assertThatThrownBy(policy::store).isInstanceOf(DemoFailure.class)
                .hasMessageContaining("rollback-service refused the demo's approval policy")
                .hasMessageContaining("400 {\"title\": \"Invalid request\"");
    }

    @Test
    void aPolicyThatCannotBeRemovedIsToldNotFatal() {
        rollbackService.stubFor(delete(urlPathMatching("/api/v1/policies/.*")).willReturn(aResponse().withStatus(503)
                .withBody("database down")));
        ApprovalPolicy policy = new ApprovalPolicy(demoAdmin(), rollbackService.baseUrl(), "checkout-ab12", "production");

        assertThat(policy.remove()).contains("could not delete the demo's approval policy", "503 database down");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static Rest demoAdmin() {
        return new Rest().as(TestKeys.credentials(), ApprovalPolicy.BY, Roles.ADMIN);
    }

    private ApprovalWait.Outcome waitFor(BufferedReader terminal, Duration selfApproveAfter) {
        StepLog log = new StepLog(new PrintStream(out, true, StandardCharsets.UTF_8), System::nanoTime);
        return new ApprovalWait(new Rest(), TestKeys.credentials(), rollbackService.baseUrl(), ID, log, terminal, "alice", selfApproveAfter,
                Duration.ofMillis(50), BOUND, ApprovalWait::sleep, Duration.ofMillis(20)).await();
    }

    private static BufferedReader terminal(String typed) {
        return new BufferedReader(new StringReader(typed));
    }

    /** rollback-service's answers to successive GETs of the decision; the last one is repeated. */
    private void decisionPolls(List<String> answers) {
        for (int i = 0; i < answers.size(); i++) {
            var stub = get(urlPathEqualTo(PATH)).inScenario("polls")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "poll-" + i);
            if (i + 1 < answers.size()) {
                stub = stub.willSetStateTo("poll-" + (i + 1));
            }
            rollbackService.stubFor(stub.willReturn(json(200, answers.get(i))));
        }
    }

    private static String decision(String state, String settledBy, String settleReason) {
        return """
                {"id": "%s", "service": "checkout-ab12", "environment": "production", "deploymentId": "d-0002",
                 "fromVersion": "2.0.0", "toVersion": "1.0.0", "decision": "%s", "rule": "mode-approval",
                 "reason": "policy checkout-ab12/production v1 asks for approval", "decidedAt": "%s",
                 "approval": {"deadline": "%s", "escalatedAt": null, "settledBy": %s, "settledAt": null,
                              "settleReason": %s}}
                """.formatted(ID, state, Instant.now(), Instant.now().plus(Duration.ofSeconds(30)), quoted(settledBy),
                quoted(settleReason));
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
