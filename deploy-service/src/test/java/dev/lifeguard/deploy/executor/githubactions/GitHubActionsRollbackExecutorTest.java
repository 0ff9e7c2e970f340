package dev.lifeguard.deploy.executor.githubactions;

import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
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
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.REASON;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.plan;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** workflow_dispatch against a real HTTP server standing in for GitHub's REST API (WireMock). */
class GitHubActionsRollbackExecutorTest {

    private static final String TOKEN = "github_pat_11AAAA0000secretTOKEN";
    private static final String WORKFLOW = "/repos/acme/checkout/actions/workflows/rollback.yml";
    private static final String RUNS = WORKFLOW + "/runs?event=workflow_dispatch&per_page=50";
    private static final String DISPATCHES = WORKFLOW + "/dispatches";
    private static final String SETTINGS = "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\"}";

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
    }

    @Test
    void dispatchesTheWorkflowWithTheRollbackAsInputsAndIsAccepted() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(204)));
        RollbackPlan plan = plan();

        ExecutionOutcome outcome = executor(config(github.baseUrl())).execute(plan, settings(SETTINGS));

        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.detail()).isEqualTo("GitHub workflow rollback.yml in acme/checkout dispatched on main to"
                + " roll checkout/production back to 1.0.0; it reports completion as service.rolledback");
        List<LoggedRequest> dispatches = github.findAll(postRequestedFor(urlEqualTo(DISPATCHES))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"ref": "main",
                         "inputs": {"service": "checkout", "environment": "production", "version": "1.0.0",
                                    "reason": "%s", "rollbackId": "%s"}}
                        """.formatted(REASON, plan.rollbackId()))));
        assertThat(dispatches).hasSize(1);
        assertThat(github.findAll(getRequestedFor(urlEqualTo(RUNS))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28")))).hasSize(1);
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void theTargetsRefAndAnEnterpriseApiBaseUrlAreUsed() {
        github.stubFor(get(urlEqualTo("/api/v3" + RUNS)).willReturn(okJson("{\"workflow_runs\": []}")));
        github.stubFor(post("/api/v3" + DISPATCHES).willReturn(aResponse().withStatus(204)));

        executor(config(github.baseUrl() + "/api/v3/")).execute(plan(),
                settings("{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\", \"ref\": \"release/2026.11\"}"));

        assertThat(github.findAll(postRequestedFor(urlEqualTo("/api/v3" + DISPATCHES))
                .withRequestBody(equalToJson("{\"ref\": \"release/2026.11\"}", true, true)))).hasSize(1);
    }

    @Test
    void aRunAlreadyDispatchedForTheRollbackIsNotDispatchedAgain() {
        RollbackPlan plan = plan();
        github.stubFor(get(urlEqualTo(RUNS)).willReturn(okJson("""
                {"total_count": 2, "workflow_runs": [
                  {"id": 30433642, "display_title": "Rollback billing/staging (rb-other)",
                   "html_url": "https://github.com/acme/checkout/actions/runs/30433642"},
                  {"id": 30433641, "display_title": "Rollback checkout/production to 1.0.0 (%s)",
                   "html_url": "https://github.com/acme/checkout/actions/runs/30433641"}]}
                """.formatted(plan.rollbackId()))));

        ExecutionOutcome outcome = executor(config(github.baseUrl())).execute(plan, settings(SETTINGS));

        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.detail()).contains("already runs rollback " + plan.rollbackId())
                .contains("https://github.com/acme/checkout/actions/runs/30433641");
        assertThat(github.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            401 | GitHub refused the token in lifeguard.deploy.executors.github-actions.token
            403 | the token may not run workflows in this repository
            404 | no such repository or workflow
            422 | workflow_dispatch trigger declaring the inputs
            400 | was not dispatched (HTTP 400
            """)
    void refusalsFailTheRollbackAtOnce(int status, String hint) {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(status)
                .withBody("{\"message\": \"Unexpected inputs provided\", \"documentation_url\": \"https://docs.github.com\"}")));

        assertThatThrownBy(() -> executor(config(github.baseUrl())).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("GitHub workflow rollback.yml in acme/checkout was not dispatched")
                .hasMessageContaining(hint)
                .hasMessageContaining("(HTTP " + status + ": Unexpected inputs provided)");
    }

    @Test
    void aMissingWorkflowIsReportedWhenItsRunsAreListed() {
        github.stubFor(get(urlEqualTo(RUNS)).willReturn(aResponse().withStatus(404).withBody("{\"message\": \"Not Found\"}")));

        assertThatThrownBy(() -> executor(config(github.baseUrl())).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("no such repository or workflow")
                .hasMessageContaining("HTTP 404: Not Found");
        assertThat(github.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503})
    void busyOrBrokenGitHubIsRetried(int status) {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> executor(config(github.baseUrl())).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("(HTTP " + status);
    }

    @Test
    void aRateLimited403IsRetried() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(403).withHeader("x-ratelimit-remaining", "0")
                .withBody("{\"message\": \"API rate limit exceeded\"}")));

        assertThatThrownBy(() -> executor(config(github.baseUrl())).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("API rate limit exceeded");
    }

    @Test
    void noAnswerWithinTheTimeoutIsRetried() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(204).withFixedDelay(3_000)));

        assertThatThrownBy(() -> executor(new Config(Optional.of(TOKEN), github.baseUrl(), "main",
                Duration.ofSeconds(2), Duration.ofMillis(300))).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("GitHub workflow rollback.yml in acme/checkout: no answer within 300 ms");
    }

    @Test
    void withoutATokenNothingIsSentAndTheConfigKeyIsNamed() {
        assertThatThrownBy(() -> executor(new Config(Optional.empty(), github.baseUrl(), "main",
                Duration.ofSeconds(2), Duration.ofSeconds(5))).execute(plan(), settings(SETTINGS)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("lifeguard.deploy.executors.github-actions.token");
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theTokenAppearsInNoDetailEvenWhenGitHubEchoesIt() {
        github.stubFor(post(DISPATCHES).willReturn(aResponse().withStatus(401)
                .withBody("{\"message\": \"Bad credentials: " + TOKEN + "\"}")));
        GitHubActionsRollbackExecutor executor = executor(config(github.baseUrl()));

        assertThatThrownBy(() -> executor.execute(plan(), settings(SETTINGS)))
                .hasMessageContaining("Bad credentials: ***")
                .hasMessageNotContaining(TOKEN);
        assertThat(executor.toString()).doesNotContain(TOKEN);
    }

    @Test
    void validateNormalisesTheSettingsAndNamesTheOneThatIsWrong() {
        GitHubActionsRollbackExecutor executor = executor(config(github.baseUrl()));

        assertThat(executor.validate(settings("{\"repository\": \" acme/checkout \", \"workflow\": \"42\"}")))
                .isEqualTo(settings("{\"repository\": \"acme/checkout\", \"workflow\": \"42\"}"));
        assertThat(executor.validate(settings("{\"repository\": \"acme/checkout\", \"workflow\": \"roll-back.yaml\", \"ref\": \"v1.2\"}")))
                .hasSize(3);
        expectInvalid(executor, "{\"workflow\": \"rollback.yml\"}", "repository", "required");
        expectInvalid(executor, "{\"repository\": \"checkout\", \"workflow\": \"rollback.yml\"}", "repository", "owner/name");
        expectInvalid(executor, "{\"repository\": \"acme/../x\", \"workflow\": \"rollback.yml\"}", "repository", "owner/name");
        expectInvalid(executor, "{\"repository\": \"acme/..\", \"workflow\": \"rollback.yml\"}", "repository", "owner/name");
        expectInvalid(executor, "{\"repository\": \"acme/checkout\"}", "workflow", "required");
        expectInvalid(executor, "{\"repository\": \"acme/checkout\", \"workflow\": \"../dispatches\"}", "workflow", "file name");
        expectInvalid(executor, "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\", \"ref\": \"a..b\"}", "ref", "branch or tag");
        expectInvalid(executor, "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\", \"ref\": \"-x\"}", "ref", "branch or tag");
        expectInvalid(executor, "{\"repository\": \"acme/checkout\", \"workflow\": \"rollback.yml\", \"token\": \"t\"}", "token",
                "unknown setting 'token'");
        assertThat(executor.secretSettings()).isEmpty();
    }

    private static GitHubActionsRollbackExecutor executor(Config config) {
        return new GitHubActionsRollbackExecutor(config, MAPPER, HTTP);
    }

    private static Config config(String apiBaseUrl) {
        return new Config(Optional.of(TOKEN), apiBaseUrl, "main", Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static void expectInvalid(GitHubActionsRollbackExecutor executor, String settings, String setting,
                                      String message) {
        assertThatThrownBy(() -> executor.validate(settings(settings)))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(message);
    }

    record Config(Optional<String> token, String apiBaseUrl, String ref, Duration connectTimeout,
                  Duration requestTimeout) implements GitHubActionsConfig {

        @Override
        public boolean allowPrivateNetwork() {
            return true;
        }
    }
}
