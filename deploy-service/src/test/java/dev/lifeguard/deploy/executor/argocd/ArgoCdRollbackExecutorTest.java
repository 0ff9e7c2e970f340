package dev.lifeguard.deploy.executor.argocd;

import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.github.tomakehurst.wiremock.WireMockServer;
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
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
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
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.plan;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Argo CD rollbacks against a real HTTP server standing in for Argo CD's REST API (WireMock). */
class ArgoCdRollbackExecutorTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.argocd-secret-token";
    private static final String APP = "/api/v1/applications/checkout";

    /** Three deployments: 1.0.0 (Helm chart version as revision), then 1.0.0 from a Git tag, then 2.0.0. */
    private static final String HISTORY = """
            [{"id": 3, "revision": "1.0.0", "source": {"repoURL": "https://charts.acme.dev", "chart": "checkout",
                                                          "targetRevision": "1.0.0"}},
             {"id": 4, "revision": "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
              "source": {"repoURL": "https://github.com/acme/deploy", "path": "checkout", "targetRevision": "1.0.0"}},
             {"id": 5, "revision": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
              "source": {"repoURL": "https://github.com/acme/deploy", "path": "checkout", "targetRevision": "2.0.0"}}]
            """;

    private static WireMockServer argo;

    @BeforeAll
    static void startArgo() {
        argo = new WireMockServer(options().dynamicPort());
        argo.start();
    }

    @AfterAll
    static void stopArgo() {
        argo.stop();
    }

    @BeforeEach
    void reset() {
        argo.resetAll();
        argo.stubFor(post(APP + "/rollback").willReturn(okJson("{\"metadata\": {\"name\": \"checkout\"}}")));
        argo.stubFor(post(APP + "/sync").willReturn(okJson("{\"metadata\": {\"name\": \"checkout\"}}")));
    }

    @Test
    void rollsBackToTheNewestHistoryEntryOfTheStableVersion() {
        application(APP, "{}", HISTORY, null);

        ExecutionOutcome outcome = executor(config()).execute(plan(), settings("{}"));

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("Argo CD application checkout is rolling back to history 4 (1.0.0,"
                + " revision 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432)");
        assertThat(argo.findAll(getRequestedFor(urlEqualTo(APP))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)))).hasSize(1);
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/rollback"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"id\": 4, \"prune\": false}")))).hasSize(1);
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync")))).isEmpty();
    }

    @Test
    void aHistoryRevisionEqualToTheVersionMatchesToo() {
        application(APP, "{}", """
                [{"id": 7, "revision": "1.0.0", "source": {"chart": "checkout", "targetRevision": "1.x"}},
                 {"id": 8, "revision": "2.0.0", "source": {"chart": "checkout", "targetRevision": "2.x"}}]
                """, null);

        executor(config()).execute(plan(), settings("{}"));

        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/rollback"))
                .withRequestBody(equalToJson("{\"id\": 7, \"prune\": false}")))).hasSize(1);
    }

    @Test
    void withoutAMatchingHistoryEntryItSyncsToTheVersionAsARevision() {
        RollbackPlan plan = plan();
        application(APP, "{}", """
                [{"id": 5, "revision": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "source": {"targetRevision": "HEAD"}}]
                """, null);

        ExecutionOutcome outcome = executor(config()).execute(plan, settings("{}"));

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("Argo CD application checkout is syncing to revision 1.0.0"
                + " (no deployment history entry matched it)");
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"revision": "1.0.0", "prune": false,
                         "infos": [{"name": "lifeguard-rollback-id", "value": "%s"}]}
                        """.formatted(plan.rollbackId()))))).hasSize(1);
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/rollback")))).isEmpty();
    }

    @Test
    void anApplicationThatSyncsAutomaticallyFailsTheRollbackWithoutTryingIt() {
        application(APP, "{\"automated\": {\"prune\": true, \"selfHeal\": true}}", HISTORY, null);

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("Argo CD application checkout syncs automatically (spec.syncPolicy.automated)")
                .hasMessageContaining("turn automated sync off");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void automatedSyncSwitchedOffIsNoObstacle() {
        application(APP, "{\"automated\": {\"enabled\": false}}", HISTORY, null);

        assertThat(executor(config()).execute(plan(), settings("{}")).completed()).isTrue();
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/rollback")))).hasSize(1);
    }

    @Test
    void argoRefusingBecauseAutoSyncWasSwitchedOnMeanwhileFailsAtOnce() {
        application(APP, "{}", HISTORY, null);
        argo.stubFor(post(APP + "/rollback").willReturn(aResponse().withStatus(400).withBody("""
                {"error": "rollback cannot be initiated when auto-sync is enabled", "code": 9,
                 "message": "rollback cannot be initiated when auto-sync is enabled"}""")));

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessage("Argo CD application checkout was not rolled back: turn automated sync off for it, or roll"
                        + " back in Git (HTTP 400: rollback cannot be initiated when auto-sync is enabled)");
    }

    @Test
    void anotherOperationInProgressIsRetried() {
        application(APP, "{}", HISTORY, null);
        argo.stubFor(post(APP + "/rollback").willReturn(aResponse().withStatus(400).withBody("""
                {"error": "another operation is already in progress", "code": 9,
                 "message": "another operation is already in progress"}""")));

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("another operation is already in progress");
    }

    @Test
    void aRunningOperationOfAnotherKindIsWaitedFor() {
        application(APP, "{}", HISTORY, """
                {"phase": "Running", "operation": {"sync": {"revision": "feedfacefeedfacefeedfacefeedfacefeedface"}}}""");

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("Argo CD application checkout has another operation in progress (Running)");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aSecondCallFindsItsRollbackRunningAndDoesNotStartAnother() {
        application(APP, "{}", HISTORY, """
                {"phase": "Running", "operation": {"sync": {"revision": "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}}}""");

        ExecutionOutcome outcome = executor(config()).execute(plan(), settings("{}"));

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).contains("is already rolling back to 1.0.0");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aSecondCallFindsItsSyncRunningByTheRollbackIdItRecorded() {
        RollbackPlan plan = plan();
        application(APP, "{}", "[]", """
                {"phase": "Running", "operation": {"sync": {"revision": "1f2e3d4c5b6a79880716f5e4d3c2b1a098765432"},
                 "info": [{"name": "lifeguard-rollback-id", "value": "%s"}]}}""".formatted(plan.rollbackId()));

        assertThat(executor(config()).execute(plan, settings("{}")).detail()).contains("already rolling back");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void anApplicationAlreadyOnTheVersionIsLeftAlone() {
        application(APP, "{}", """
                [{"id": 5, "revision": "2.0.0", "source": {"targetRevision": "2.0.0"}},
                 {"id": 6, "revision": "1.0.0", "source": {"targetRevision": "1.0.0"}}]
                """, "{\"phase\": \"Succeeded\", \"operation\": {\"sync\": {\"revision\": \"1.0.0\"}}}");

        ExecutionOutcome outcome = executor(config()).execute(plan(), settings("{}"));

        assertThat(outcome.detail()).isEqualTo("Argo CD application checkout already runs 1.0.0 (history 6, revision 1.0.0)");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aMultiSourceApplicationWithoutAMatchingEntryCannotBeSyncedToOneRevision() {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(okJson("""
                {"spec": {"sources": [{"repoURL": "https://a"}, {"repoURL": "https://b"}]},
                 "status": {"history": [{"id": 1, "revisions": ["abc", "2.0.0"]}]}}""")));

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("multi-source application cannot be synced to one revision");
    }

    @Test
    void aMultiSourceHistoryEntryMatchesByAnyOfItsRevisions() {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(okJson("""
                {"spec": {"sources": [{"repoURL": "https://a"}, {"repoURL": "https://b"}]},
                 "status": {"history": [{"id": 1, "revisions": ["abc", "1.0.0"]},
                                        {"id": 2, "revisions": ["abd", "2.0.0"]}]}}""")));

        executor(config()).execute(plan(), settings("{}"));

        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/rollback"))
                .withRequestBody(equalToJson("{\"id\": 1, \"prune\": false}")))).hasSize(1);
    }

    @Test
    void theTargetsApplicationNamespaceProjectAndServerAreUsed() {
        String app = "/api/v1/applications/checkout-eu";
        argo.stubFor(get(urlEqualTo("/eu" + app + "?appNamespace=payments-apps&project=payments"))
                .willReturn(okJson(applicationJson("{}", HISTORY, null))));
        argo.stubFor(post("/eu" + app + "/rollback").willReturn(okJson("{}")));
        Config config = new Config(Optional.of(argo.baseUrl()), Optional.of(TOKEN),
                Map.of("eu", new Server(argo.baseUrl() + "/eu/", Optional.of("eu-token"))),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        ArgoCdRollbackExecutor executor = executor(config);

        executor.execute(plan(), executor.validate(settings("""
                {"application": "checkout-eu", "appNamespace": "payments-apps", "project": "payments", "server": "eu"}
                """)));

        assertThat(argo.findAll(postRequestedFor(urlEqualTo("/eu" + app + "/rollback"))
                .withHeader("Authorization", equalTo("Bearer eu-token"))
                .withRequestBody(equalToJson("""
                        {"id": 4, "prune": false, "appNamespace": "payments-apps", "project": "payments"}
                        """)))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void refusalsFailTheRollbackAtOnce(int status) {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(aResponse().withStatus(status)
                .withBody("{\"error\": \"permission denied\", \"code\": 7, \"message\": \"permission denied\"}")));

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("Argo CD application checkout could not be read")
                .hasMessageEndingWith("(HTTP " + status + ": permission denied)");
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503})
    void busyOrBrokenArgoIsRetried(int status) {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> executor(config()).execute(plan(), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("Argo CD application checkout could not be read (HTTP " + status + ")");
    }

    @Test
    void noAnswerWithinTheTimeoutIsRetried() {
        application(APP, "{}", HISTORY, null);
        argo.stubFor(post(APP + "/rollback").willReturn(okJson("{}").withFixedDelay(3_000)));

        assertThatThrownBy(() -> executor(new Config(Optional.of(argo.baseUrl()), Optional.of(TOKEN), Map.of(),
                Duration.ofSeconds(2), Duration.ofMillis(300))).execute(plan(), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("Argo CD application checkout: no answer within 300 ms");
    }

    @Test
    void withoutATokenNothingIsSentAndTheConfigKeyIsNamed() {
        assertThatThrownBy(() -> executor(new Config(Optional.of(argo.baseUrl()), Optional.empty(), Map.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(5))).execute(plan(), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessage("no Argo CD token: set lifeguard.deploy.executors.argocd.token");
        assertThat(argo.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theTokenAppearsInNoDetailEvenWhenArgoEchoesIt() {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(aResponse().withStatus(401)
                .withBody("{\"message\": \"invalid session: " + TOKEN + "\"}")));
        ArgoCdRollbackExecutor executor = executor(config());

        assertThatThrownBy(() -> executor.execute(plan(), settings("{}")))
                .hasMessageContaining("refused the token in lifeguard.deploy.executors.argocd.token")
                .hasMessageContaining("invalid session: ***")
                .hasMessageNotContaining(TOKEN);
        assertThat(executor.toString()).doesNotContain(TOKEN);
    }

    @Test
    void validateNormalisesTheSettingsAndNamesTheOneThatIsWrong() {
        ArgoCdRollbackExecutor executor = executor(config());

        assertThat(executor.validate(settings("{}"))).isEmpty();
        assertThat(executor.validate(settings("{\"application\": \" checkout-prod \", \"project\": \"payments\"}")))
                .isEqualTo(settings("{\"application\": \"checkout-prod\", \"project\": \"payments\"}"));
        expectInvalid(executor, "{\"application\": \"Checkout_Prod\"}", "application", "Kubernetes object name");
        expectInvalid(executor, "{\"appNamespace\": \"apps/../x\"}", "appNamespace", "namespace");
        expectInvalid(executor, "{\"project\": \"\"}", "project", "non-empty string");
        expectInvalid(executor, "{\"server\": \"us\"}", "server", "must name a server configured in"
                + " lifeguard.deploy.executors.argocd.servers.<name> (none is)");
        expectInvalid(executor, "{\"url\": \"https://evil.example.com\"}", "url", "unknown setting 'url'");
        expectInvalid(executor, "{\"token\": \"t\"}", "token", "unknown setting 'token'");
        expectInvalid(executor(new Config(Optional.empty(), Optional.of(TOKEN), Map.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(5))), "{}", "server", "no default Argo CD server is configured");
        assertThat(executor.secretSettings()).isEmpty();
    }

    private static void application(String path, String syncPolicy, String history, String operationState) {
        argo.stubFor(get(urlEqualTo(path)).willReturn(okJson(applicationJson(syncPolicy, history, operationState))));
    }

    private static String applicationJson(String syncPolicy, String history, String operationState) {
        return """
                {"metadata": {"name": "checkout", "namespace": "argocd"},
                 "spec": {"project": "default", "syncPolicy": %s,
                          "source": {"repoURL": "https://github.com/acme/deploy", "targetRevision": "2.0.0"}},
                 "status": {"sync": {"status": "Synced"}, "history": %s%s}}
                """.formatted(syncPolicy, history, operationState == null ? "" : ", \"operationState\": " + operationState);
    }

    private static ArgoCdRollbackExecutor executor(Config config) {
        return new ArgoCdRollbackExecutor(config, MAPPER, HTTP);
    }

    private static Config config() {
        return new Config(Optional.of(argo.baseUrl()), Optional.of(TOKEN), Map.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    private static void expectInvalid(ArgoCdRollbackExecutor executor, String settings, String setting, String message) {
        assertThatThrownBy(() -> executor.validate(settings(settings)))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(message);
    }

    record Config(Optional<String> url, Optional<String> token, Map<String, ArgoCdConfig.Server> servers,
                  Duration connectTimeout, Duration requestTimeout) implements ArgoCdConfig {

        @Override
        public boolean allowPrivateNetwork() {
            return true;
        }
    }

    record Server(String url, Optional<String> token) implements ArgoCdConfig.Server {
    }
}
