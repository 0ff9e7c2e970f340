package dev.lifeguard.deploy.executor.githubactions;

import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.githubactions.GitHubActionsRollbackExecutorTest.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.MAPPER;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rollout steps as workflow_dispatch of the rollout workflow, against WireMock standing in for GitHub's API. */
class GitHubActionsRolloutStepTest {

    private static final String TOKEN = "github_pat_11AAAA0000secretTOKEN";
    private static final String WORKFLOW = "/repos/acme/checkout/actions/workflows/rollout.yml";
    private static final String RUNS = WORKFLOW + "/runs?event=workflow_dispatch&per_page=50";
    private static final String DISPATCHES = WORKFLOW + "/dispatches";
    private static final String SETTINGS = "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\","
            + " \"rolloutWorkflow\": \"rollout.yml\"}";

    private static WireMockServer github;

    @BeforeAll
    static void startGitHub() {
        github = new WireMockServer(options().dynamicPort());
        github.start();
    }

    @AfterAll
    static void stopGitHub() {
        github.stop();
    }

    @BeforeEach
    void reset() {
        github.resetAll();
        github.stubFor(get(urlEqualTo(RUNS)).willReturn(okJson("{\"total_count\": 0, \"workflow_runs\": []}")));
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void aSetWeightStepDispatchesTheRolloutWorkflowWithTheStepAsInputs() {
        RolloutStep step = step("d-0003", StepAction.SET_WEIGHT, "canary", 0, 10);

        ExecutionOutcome outcome = executor().applyStep(step, settings(SETTINGS));

        assertThat(executor().runsRollouts()).isTrue();
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.detail()).isEqualTo("GitHub workflow rollout.yml in acme/checkout dispatched on main to"
                + " set-weight 10% checkout/production 2.0.1 (step d-0003/0/set-weight)");
        assertThat(github.findAll(postRequestedFor(urlEqualTo(DISPATCHES))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withRequestBody(equalToJson("""
                        {"ref": "main",
                         "inputs": {"action": "set-weight", "strategy": "canary", "weight": "10", "version": "2.0.1",
                                    "stable_version": "1.0.0", "service": "checkout", "environment": "production",
                                    "deployment_id": "d-0003", "step_id": "d-0003/0/set-weight"}}
                        """)))).hasSize(1);
        assertThat(github.findAll(getRequestedFor(urlEqualTo(RUNS))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)))).hasSize(1);
    }

    @Test
    void promoteAndAbortNameTheirAction() throws Exception {
        executor().applyStep(step("d-1", StepAction.PROMOTE, "blue-green", 2, 100), settings(SETTINGS));
        executor().applyStep(step("d-2", StepAction.ABORT, "canary", 1, 0), settings(SETTINGS));

        var dispatches = github.findAll(postRequestedFor(urlEqualTo(DISPATCHES)));
        assertThat(dispatches).hasSize(2);
        var promote = MAPPER.readTree(dispatches.get(0).getBodyAsString()).path("inputs");
        var abort = MAPPER.readTree(dispatches.get(1).getBodyAsString()).path("inputs");
        assertThat(promote.path("action").asText()).isEqualTo("promote");
        assertThat(promote.path("strategy").asText()).isEqualTo("blue-green");
        assertThat(promote.path("weight").asText()).isEqualTo("100");
        assertThat(abort.path("action").asText()).isEqualTo("abort");
        assertThat(abort.path("step_id").asText()).isEqualTo("d-2/1/abort");
        assertThat(promote.size()).as("GitHub takes at most 10 inputs").isLessThanOrEqualTo(10);
    }

    @Test
    void aRunAlreadyDispatchedForTheStepIsNotDispatchedAgain() {
        github.stubFor(get(urlEqualTo(RUNS)).willReturn(okJson("""
                {"total_count": 2, "workflow_runs": [
                  {"id": 2, "display_title": "Rollout checkout set-weight 10 (d-0003/0/set-weight)",
                   "html_url": "https://github.com/acme/checkout/actions/runs/2"},
                  {"id": 1, "display_title": "Rollout checkout abort (d-0002/1/abort)",
                   "html_url": "https://github.com/acme/checkout/actions/runs/1"}]}
                """)));

        ExecutionOutcome retry = executor().applyStep(step("d-0003", StepAction.SET_WEIGHT, "canary", 0, 10), settings(SETTINGS));
        ExecutionOutcome next = executor().applyStep(step("d-0003", StepAction.SET_WEIGHT, "canary", 2, 50), settings(SETTINGS));

        assertThat(retry.detail()).contains("already runs step d-0003/0/set-weight")
                .contains("https://github.com/acme/checkout/actions/runs/2");
        assertThat(next.detail()).contains("dispatched");
        assertThat(github.findAll(postRequestedFor(urlEqualTo(DISPATCHES)))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains("d-0003/2/set-weight"));
    }

    @Test
    void withoutARolloutWorkflowNoStepRunsAndTheSettingIsNamed() {
        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10),
                settings("{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\"}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("'rolloutWorkflow'");
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aWorkflowWithoutTheInputsFailsNamingThem() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(422)
                .withBody("{\"message\": \"Unexpected inputs provided: [\\\"step_id\\\"]\"}")));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.PROMOTE, "canary", 4, 100), settings(SETTINGS)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("rollout.yml in acme/checkout was not dispatched")
                .hasMessageContaining("declaring the inputs action, strategy, weight")
                .hasMessageContaining("HTTP 422");
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503})
    void busyOrBrokenGitHubIsRetried(int status) {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.ABORT, "canary", 1, 0), settings(SETTINGS)))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("(HTTP " + status);
    }

    @Test
    void theTokenAppearsInNoFailure() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(401)
                .withBody("{\"message\": \"Bad credentials: " + TOKEN + "\"}")));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.ABORT, "canary", 1, 0), settings(SETTINGS)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("Bad credentials: ***")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void theRolloutWorkflowIsValidated() {
        GitHubActionsRollbackExecutor executor = executor();

        assertThat(executor.validate(settings(SETTINGS.replace("rollout.yml", " rollout.yml "))))
                .isEqualTo(settings(SETTINGS));
        assertThatThrownBy(() -> executor.validate(settings(SETTINGS.replace("rollout.yml", "../dispatches"))))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("rolloutWorkflow"))
                .hasMessageContaining("rollout workflow's file name");
    }

    private static GitHubActionsRollbackExecutor executor() {
        return new GitHubActionsRollbackExecutor(new Config(Optional.of(TOKEN), github.baseUrl(), "main",
                Duration.ofSeconds(2), Duration.ofSeconds(5)), MAPPER, HTTP);
    }
}
