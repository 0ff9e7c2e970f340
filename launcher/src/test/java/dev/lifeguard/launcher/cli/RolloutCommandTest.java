package dev.lifeguard.launcher.cli;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.lifeguard.launcher.auth.Credentials;
import dev.lifeguard.launcher.auth.Roles;
import dev.lifeguard.launcher.auth.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./lifeguard rollout} against a real HTTP server standing in for deploy-service: what it sends, what it
 * prints and its exit code.
 */
class RolloutCommandTest {

    private static final String ID = "d-0003";
    private static final String PATH = "/api/v1/deployments/" + ID;

    private final WireMockServer deployService = new WireMockServer(wireMockConfig().dynamicPort());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        deployService.start();
    }

    @AfterEach
    void stop() {
        deployService.stop();
    }

    @Test
    void statusShowsEachStepWithItsVerdictAndTheGate() {
        stubDeployment(rollingOut("ROLLING_OUT", "PROGRESSING", 1, 10));

        int code = command().run(List.of("status", ID));

        assertThat(code).isEqualTo(RolloutCommand.OK);
        assertThat(out()).contains("checkout 2.0.1 in production: ROLLING_OUT (deployment d-0003, strategy canary)")
                .contains("gate: RELEASED - checkout/production was rolled back; released by override (alice: hotfix)")
                .contains("rollout: ROLLING_OUT, rollout PROGRESSING, step 2/5 pause PT5M, 10% of traffic")
                .contains("1. set weight 10%")
                .contains("2. pause PT5M → analysis passed: error_rate within bounds")
                .contains("fixes: incident-0004");
    }

    @Test
    void promoteFullPostsWhoAsksAndShowsTheResult() {
        deployService.stubFor(post(urlPathEqualTo(PATH + "/promote")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(rollingOut("ACTIVE", "PROMOTED", 4, 100))));
        stubDeployment(rollingOut("ACTIVE", "PROMOTED", 4, 100));

        int code = command().run(List.of("promote", ID, "--full", "--by", "bob"));

        assertThat(code).isEqualTo(RolloutCommand.OK);
        // who promotes is the operator token's subject; the body names no actor; the view is read as a viewer
        deployService.verify(postRequestedFor(urlPathEqualTo(PATH + "/promote"))
                .withRequestBody(equalToJson("{\"full\":true}")));
        TestKeys.assertBearer(deployService, postRequestedFor(urlPathEqualTo(PATH + "/promote")), "bob", Roles.OPERATOR);
        TestKeys.assertBearer(deployService, getRequestedFor(urlPathEqualTo(PATH)), "bob", Roles.VIEWER);
        assertThat(out()).contains("✓ promote d-0003 (by bob)").contains("rollout PROMOTED");
    }

    @Test
    void abortAndOverrideNeedAReasonAndNothingIsSentWithoutOne() {
        assertThat(command().run(List.of("abort", ID))).isEqualTo(RolloutCommand.USAGE);
        assertThat(command().run(List.of("override", ID, "--by", "alice"))).isEqualTo(RolloutCommand.USAGE);
        assertThat(command().run(List.of("promote"))).isEqualTo(RolloutCommand.USAGE);
        assertThat(command().run(List.of("pause", ID, "--full"))).isEqualTo(RolloutCommand.USAGE);

        assertThat(err()).contains("abort needs --reason").contains("override needs --reason")
                .contains("promote needs a deployment id").contains("--full goes with promote only");
        assertThat(deployService.getAllServeEvents()).isEmpty();
    }

    @Test
    void aRefusalShowsTheProblemAndExitsOne() {
        deployService.stubFor(post(urlPathEqualTo(PATH + "/resume")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"Conflict\",\"status\":409,\"detail\":\"deployment d-0003 is not paused: it is PROMOTED\"}")));

        int code = command().run(List.of("resume", ID, "--reason", "checked the dashboards"));

        assertThat(code).isEqualTo(RolloutCommand.FAILED);
        assertThat(err()).contains("deploy-service refused resume of d-0003: 409 Conflict: deployment d-0003 is not"
                + " paused: it is PROMOTED");
    }

    @Test
    void aForbiddenPromoteSaysThatItNeedsAnOperatorToken() {
        deployService.stubFor(post(urlPathEqualTo(PATH + "/promote")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"Forbidden\",\"status\":403,\"detail\":\"needs one of the roles [operator]\"}")));

        int code = new RolloutCommand(deployService.baseUrl(), Credentials.given(TestKeys.credentials()
                .token("ci-bot", Roles.CI)), "alice", new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMillis(10))
                .run(List.of("promote", ID));

        assertThat(code).isEqualTo(RolloutCommand.FAILED);
        assertThat(err()).contains("deploy-service POST /api/v1/deployments/d-0003/promote refused (403 Forbidden:"
                + " needs one of the roles [operator]): this needs the role operator")
                .contains("LIFEGUARD_TOKEN is subject ci-bot, groups [ci]")
                .contains("./lifeguard token --role operator");
    }

    @Test
    void watchFollowsTheStepsUntilPromoted() {
        deployService.stubFor(get(urlPathEqualTo(PATH)).inScenario("rollout").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(rollingOut("ROLLING_OUT", "PROGRESSING", 1, 10))).willSetStateTo("50"));
        deployService.stubFor(get(urlPathEqualTo(PATH)).inScenario("rollout").whenScenarioStateIs("50")
                .willReturn(json(rollingOut("ROLLING_OUT", "PROGRESSING", 3, 50))).willSetStateTo("done"));
        deployService.stubFor(get(urlPathEqualTo(PATH)).inScenario("rollout").whenScenarioStateIs("done")
                .willReturn(json(rollingOut("ANALYSING", "PROMOTED", 4, 100))));

        int code = command().run(List.of("watch", ID, "--wait", "30"));

        assertThat(code).isEqualTo(RolloutCommand.OK);
        assertThat(out()).containsSubsequence("step 2/5 pause PT5M, 10% of traffic", "step 4/5 pause PT5M, 50% of traffic",
                "rollout PROMOTED");
    }

    @Test
    void watchEndsWithOneWhenTheRolloutIsAborted() {
        stubDeployment(rollingOut("ROLLED_BACK", "ABORTED", 1, 0));

        assertThat(command().run(List.of("watch", ID))).isEqualTo(RolloutCommand.FAILED);
        assertThat(out()).contains("rollout ABORTED");
    }

    private RolloutCommand command() {
        return new RolloutCommand(deployService.baseUrl(), TestKeys.credentials(), "alice",
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMillis(10));
    }

    private void stubDeployment(String body) {
        deployService.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(body)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String rollingOut(String status, String phase, int stepIndex, int weight) {
        return """
                {"id":"d-0003","service":"checkout","environment":"production","version":"2.0.1","status":"%s",
                 "strategy":{"type":"canary","steps":[{"setWeight":10},{"pause":"PT5M"},{"setWeight":50},{"pause":"PT5M"},{"setWeight":100}]},
                 "gate":{"status":"RELEASED","reason":"checkout/production was rolled back","releasedBy":"override",
                         "overriddenBy":"alice","overrideReason":"hotfix"},
                 "rollout":{"phase":"%s","stepIndex":%d,"stepCount":5,"weight":%d,"steps":[
                   {"index":0,"kind":"set-weight","weight":10},
                   {"index":1,"kind":"pause","duration":"PT5M","verdict":"passed","verdictReason":"error_rate within bounds"},
                   {"index":2,"kind":"set-weight","weight":50},
                   {"index":3,"kind":"pause","duration":"PT5M"},
                   {"index":4,"kind":"set-weight","weight":100}]},
                 "fixes":["incident-0004"]}
                """.formatted(status, phase, stepIndex, weight);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
