package dev.lifeguard.deploy.executor.argocd;

import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.HTTP;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.argocd.ArgoCdRollbackExecutorTest.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.MAPPER;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.settings;
import static dev.lifeguard.deploy.executor.support.ExecutorTestPlans.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rollout steps as Helm parameters + sync through Argo CD's REST API, against WireMock standing in for it. */
class ArgoCdRolloutStepTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.argocd-secret-token";
    private static final String APP = "/api/v1/applications/checkout";
    private static final String UPDATE = APP + "?validate=true";

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
        argo.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson("{\"metadata\": {\"name\": \"checkout\"}}")));
        argo.stubFor(post(APP + "/sync").willReturn(okJson("{\"metadata\": {\"name\": \"checkout\"}}")));
    }

    @Test
    void setWeightSetsTheCanaryParametersRecordsTheStepAndSyncs() throws Exception {
        application("{}", Map.of("image.tag", "1.0.0", "replicaCount", "4"), null, null);
        RolloutStep step = step("d-0003", StepAction.SET_WEIGHT, "canary", 0, 10);

        ExecutionOutcome outcome = executor().applyStep(step, settings("{}"));

        assertThat(executor().runsRollouts()).isTrue();
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("Argo CD application checkout sends 10% of the traffic to 2.0.1"
                + " (lifeguard.canary.weight=10); syncing");
        JsonNode updated = onlyUpdate();
        assertThat(updated.at("/metadata/resourceVersion").asText()).as("the update is guarded").isEqualTo("4711");
        assertThat(parameters(updated)).containsExactly(
                Map.entry("image.tag", "1.0.0"), Map.entry("replicaCount", "4"),
                Map.entry("lifeguard.canary.enabled", "true"), Map.entry("lifeguard.canary.strategy", "canary"),
                Map.entry("lifeguard.canary.weight", "10"), Map.entry("lifeguard.canary.version", "2.0.1"),
                Map.entry("lifeguard.canary.image", "ghcr.io/acme/checkout:2.0.1"));
        JsonNode recorded = MAPPER.readTree(updated.at("/metadata/annotations/lifeguard.dev~1rollout-step").asText());
        assertThat(recorded.path("stepId").asText()).isEqualTo("d-0003/0/set-weight");
        assertThat(recorded.path("action").asText()).isEqualTo("set-weight");
        assertThat(recorded.path("weight").asInt()).isEqualTo(10);
        assertThat(updated.at("/metadata/annotations/team").asText()).as("other annotations are kept").isEqualTo("payments");
        assertThat(updated.has("status")).isFalse();
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"prune": false, "infos": [{"name": "lifeguard-rollout-step", "value": "d-0003/0/set-weight"}]}
                        """)))).hasSize(1);
        assertThat(argo.findAll(putRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer " + TOKEN))))
                .hasSize(1);
    }

    @Test
    void promoteSetsTheChartsVersionParameterAndEndsTheCanary() throws Exception {
        application("{}", Map.of("image.tag", "1.0.0", "lifeguard.canary.enabled", "true",
                "lifeguard.canary.weight", "50", "lifeguard.canary.version", "2.0.1"), null, null);

        ExecutionOutcome outcome = executor().applyStep(step("d-0003", StepAction.PROMOTE, "canary", 4, 100),
                settings("{}"));

        assertThat(outcome.detail()).isEqualTo("Argo CD application checkout promotes 2.0.1 (image.tag=2.0.1,"
                + " lifeguard.canary.enabled=false); syncing");
        assertThat(parameters(onlyUpdate())).containsExactly(
                Map.entry("image.tag", "2.0.1"), Map.entry("lifeguard.canary.enabled", "false"),
                Map.entry("lifeguard.canary.version", "2.0.1"), Map.entry("lifeguard.canary.weight", "0"));
    }

    @Test
    void abortEndsTheCanaryAndLeavesTheStableVersion() throws Exception {
        application("{}", Map.of("app.version", "1.0.0", "lifeguard.canary.enabled", "true",
                "lifeguard.canary.weight", "10"), null, null);

        executor().applyStep(step("d-0003", StepAction.ABORT, "canary", 1, 0),
                settings("{\"versionParameter\": \"app.version\"}"));

        assertThat(parameters(onlyUpdate())).containsExactly(
                Map.entry("app.version", "1.0.0"), Map.entry("lifeguard.canary.enabled", "false"),
                Map.entry("lifeguard.canary.weight", "0"));
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync")))).hasSize(1);
    }

    @Test
    void theVersionParameterSettingIsUsedOnPromotion() throws Exception {
        application("{}", Map.of("app.version", "1.0.0"), null, null);

        executor().applyStep(step("d-0003", StepAction.PROMOTE, "blue-green", 2, 100),
                settings("{\"versionParameter\": \"app.version\"}"));

        assertThat(parameters(onlyUpdate())).containsEntry("app.version", "2.0.1").doesNotContainKey("image.tag");
    }

    @Test
    void aRepeatedStepWhoseSyncRunsChangesNothing() {
        RolloutStep step = step("d-0003", StepAction.SET_WEIGHT, "canary", 0, 10);
        application("{}", Map.of("lifeguard.canary.enabled", "true", "lifeguard.canary.strategy", "canary",
                        "lifeguard.canary.weight", "10", "lifeguard.canary.version", "2.0.1",
                        "lifeguard.canary.image", "ghcr.io/acme/checkout:2.0.1"),
                "{\"stepId\": \"d-0003/0/set-weight\"}", """
                        {"phase": "Running", "operation": {"sync": {},
                         "info": [{"name": "lifeguard-rollout-step", "value": "d-0003/0/set-weight"}]}}""");

        ExecutionOutcome outcome = executor().applyStep(step, settings("{}"));

        assertThat(outcome.detail()).endsWith("(already syncing)");
        assertThat(argo.findAll(putRequestedFor(anyUrl()))).isEmpty();
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aRetryAfterTheUpdateButBeforeTheSyncOnlySyncs() {
        application("{}", Map.of("lifeguard.canary.enabled", "false", "lifeguard.canary.weight", "0"),
                "{\"stepId\": \"d-0003/1/abort\"}",
                "{\"phase\": \"Succeeded\", \"operation\": {\"sync\": {}, \"info\": [{\"name\": \"lifeguard-rollout-step\","
                        + " \"value\": \"d-0003/0/set-weight\"}]}}");

        executor().applyStep(step("d-0003", StepAction.ABORT, "canary", 1, 0), settings("{}"));

        assertThat(argo.findAll(putRequestedFor(anyUrl()))).isEmpty();
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync"))
                .withRequestBody(equalToJson("{\"infos\": [{\"value\": \"d-0003/1/abort\"}]}", true, true)))).hasSize(1);
    }

    @Test
    void anotherRunningOperationIsWaitedFor() {
        application("{}", Map.of(), null, "{\"phase\": \"Running\", \"operation\": {\"sync\": {\"revision\": \"abc\"}}}");

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("Argo CD application checkout has another operation in progress (Running)");
        assertThat(argo.findAll(putRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aConcurrentChangeOfTheApplicationIsRetried() {
        application("{}", Map.of(), null, null);
        argo.stubFor(put(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(409).withBody(
                "{\"code\": 10, \"message\": \"the object has been modified; please apply your changes to the latest version\"}")));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("was not updated (HTTP 409: the object has been modified");
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void anApplicationThatSyncsAutomaticallyIsRefused() {
        application("{\"automated\": {\"selfHeal\": true}}", Map.of(), null, null);

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("syncs automatically").hasMessageContaining("turn automated sync off");
        assertThat(argo.findAll(putRequestedFor(anyUrl()))).isEmpty();
        assertThat(argo.findAll(postRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aKustomizeOrMultiSourceApplicationIsRefused() {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(okJson("""
                {"metadata": {"name": "checkout"}, "spec": {"source": {"repoURL": "https://a", "kustomize": {}}}}""")));
        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class).hasMessageContaining("no Helm application");

        argo.stubFor(get(urlEqualTo(APP)).willReturn(okJson("""
                {"metadata": {"name": "checkout"}, "spec": {"sources": [{"repoURL": "https://a"}, {"repoURL": "https://b"}]}}""")));
        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class).hasMessageContaining("several sources");
        assertThat(argo.findAll(putRequestedFor(anyUrl()))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void refusalsFailTheStep(int status) {
        argo.stubFor(get(urlEqualTo(APP)).willReturn(aResponse().withStatus(status)
                .withBody("{\"message\": \"permission denied: " + TOKEN + "\"}")));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.PROMOTE, "canary", 4, 100), settings("{}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageStartingWith("Argo CD application checkout could not be read")
                .hasMessageContaining("permission denied: ***")
                .hasMessageNotContaining(TOKEN);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503})
    void busyOrBrokenArgoIsRetried(int status) {
        application("{}", Map.of(), null, null);
        argo.stubFor(post(APP + "/sync").willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> executor().applyStep(step("d-1", StepAction.ABORT, "canary", 1, 0), settings("{}")))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessage("Argo CD application checkout was not synced (HTTP " + status + ")");
    }

    @Test
    void theNamespaceAndProjectGoIntoTheQueriesAndTheSync() {
        argo.stubFor(get(urlEqualTo(APP + "?appNamespace=apps&project=payments"))
                .willReturn(okJson(applicationJson("{}", Map.of(), null, null))));
        argo.stubFor(put(urlEqualTo(APP + "?validate=true&project=payments")).willReturn(okJson("{}")));

        executor().applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10),
                settings("{\"appNamespace\": \"apps\", \"project\": \"payments\"}"));

        assertThat(argo.findAll(putRequestedFor(urlEqualTo(APP + "?validate=true&project=payments")))).hasSize(1);
        assertThat(argo.findAll(postRequestedFor(urlEqualTo(APP + "/sync"))
                .withRequestBody(equalToJson("{\"appNamespace\": \"apps\", \"project\": \"payments\"}", true, true))))
                .hasSize(1);
    }

    @Test
    void theVersionParameterSettingIsValidated() {
        assertThat(executor().validate(settings("{\"versionParameter\": \" image.tag \"}")))
                .isEqualTo(settings("{\"versionParameter\": \"image.tag\"}"));
        assertThatThrownBy(() -> executor().validate(settings("{\"versionParameter\": \"image tag\"}")))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("versionParameter"))
                .hasMessageContaining("Helm parameter name");
    }

    private static void application(String syncPolicy, Map<String, String> parameters, String recordedStep,
                                    String operationState) {
        argo.stubFor(get(urlPathEqualTo(APP)).willReturn(okJson(applicationJson(syncPolicy, parameters, recordedStep,
                operationState))));
    }

    private static String applicationJson(String syncPolicy, Map<String, String> parameters, String recordedStep,
                                          String operationState) {
        StringBuilder params = new StringBuilder();
        // a stable order, as Argo CD keeps the list's order
        new java.util.TreeMap<>(parameters).forEach((name, value) -> params.append(params.isEmpty() ? "" : ", ")
                .append("{\"name\": \"").append(name).append("\", \"value\": \"").append(value).append("\"}"));
        String annotations = "\"team\": \"payments\"" + (recordedStep == null ? ""
                : ", \"lifeguard.dev/rollout-step\": " + MAPPER.valueToTree(recordedStep).toString());
        return """
                {"metadata": {"name": "checkout", "namespace": "argocd", "resourceVersion": "4711",
                              "annotations": {%s}},
                 "spec": {"project": "default", "syncPolicy": %s,
                          "source": {"repoURL": "https://charts.acme.dev", "chart": "checkout", "targetRevision": "3.2.0",
                                     "helm": {"parameters": [%s]}}},
                 "status": {"sync": {"status": "Synced"}, "history": []%s}}
                """.formatted(annotations, syncPolicy, params,
                operationState == null ? "" : ", \"operationState\": " + operationState);
    }

    private static JsonNode onlyUpdate() throws Exception {
        List<LoggedRequest> updates = argo.findAll(putRequestedFor(anyUrl()));
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getUrl()).isEqualTo(UPDATE);
        return MAPPER.readTree(updates.get(0).getBodyAsString());
    }

    private static Map<String, String> parameters(JsonNode application) {
        Map<String, String> parameters = new LinkedHashMap<>();
        application.at("/spec/source/helm/parameters").forEach(p -> parameters.put(p.path("name").asText(),
                p.path("value").asText()));
        return parameters;
    }

    private static ArgoCdRollbackExecutor executor() {
        return new ArgoCdRollbackExecutor(new Config(Optional.of(argo.baseUrl()), Optional.of(TOKEN), Map.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(5)), MAPPER, HTTP);
    }
}
