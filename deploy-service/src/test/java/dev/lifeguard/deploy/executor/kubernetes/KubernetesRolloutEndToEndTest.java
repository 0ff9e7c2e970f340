package dev.lifeguard.deploy.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeguard.deploy.DeployFixtures.ROLLBACKS_TOPIC;
import static dev.lifeguard.deploy.DeployFixtures.awaitEnvironment;
import static dev.lifeguard.deploy.DeployFixtures.deploy;
import static dev.lifeguard.deploy.DeployFixtures.kafka;
import static dev.lifeguard.deploy.DeployFixtures.publishStepVerdict;
import static dev.lifeguard.deploy.DeployFixtures.rollbackRequest;
import static dev.lifeguard.deploy.DeployFixtures.unique;
import static dev.lifeguard.deploy.executor.kubernetes.KubernetesTestCluster.appLabels;
import static dev.lifeguard.deploy.executor.kubernetes.KubernetesTestCluster.image;
import static dev.lifeguard.deploy.service.RolloutFixtures.BOUND;
import static dev.lifeguard.deploy.service.RolloutFixtures.allEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitPhase;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRollout;
import static dev.lifeguard.deploy.service.RolloutFixtures.awaitRolloutEvents;
import static dev.lifeguard.deploy.service.RolloutFixtures.blueGreen;
import static dev.lifeguard.deploy.service.RolloutFixtures.canary;
import static dev.lifeguard.deploy.service.RolloutFixtures.rollOut;
import static dev.lifeguard.deploy.service.RolloutFixtures.view;
import static dev.lifeguard.testsupport.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Whole rollouts driven through deploy-service (REST, the real broker and PostgreSQL, step verdicts on
 * {@code lifeguard.analyses}) on a target whose executor is {@code kubernetes}, against fabric8's CRUD mock API
 * server: the Deployments, their images and replicas and the Services' selectors after each step, and the events.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class KubernetesRolloutEndToEndTest {

    private static final String NAMESPACE = "production";
    private static final String COLOR = "lifeguard.dev/color";

    @Inject
    KubernetesClient client;

    /** The rolled-out service (unique per test), its cluster, its stable deployment v1 (1.0.0), the rollout v2 (2.0.0). */
    private String service;
    private KubernetesTestCluster cluster;
    private String v1;
    private String v2;

    @Test
    void aCanaryGoesTenFiftyHundredOnTheClusterAndThePrimaryEndsOnTheNewImage() {
        startRollout("canary-k8s", 4, canary());
        String canary = service + "-canary";

        assertThat(cluster.replicas(NAMESPACE, canary, service)).containsExactly(1, 3);
        assertThat(image(cluster.deployment(NAMESPACE, canary))).isEqualTo(imageOf(service, "2.0.0"));
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "1.0.0"));
        assertThat(cluster.deployment(NAMESPACE, canary).getMetadata().getAnnotations())
                .containsEntry("lifeguard.dev/deployment-id", v2).containsEntry("lifeguard.dev/version", "2.0.0");
        assertThat(cluster.serviceSelector(NAMESPACE, service)).as("primary and canary pods alike")
                .isEqualTo(appLabels(service));
        assertThat(view(v1).getBoolean("current")).isTrue();
        publishStepVerdict(service, v2, 1, "passed");

        JsonPath fifty = awaitRollout(v2, "ANALYSING", 3);
        assertThat(fifty.getInt("rollout.weight")).isEqualTo(50);
        assertThat(cluster.replicas(NAMESPACE, canary, service)).containsExactly(2, 2);
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "1.0.0"));
        assertThat(cluster.serviceSelector(NAMESPACE, service)).isEqualTo(appLabels(service));
        publishStepVerdict(service, v2, 3, "passed");

        JsonPath promoted = awaitPhase(v2, "PROMOTED");
        assertThat(promoted.getBoolean("current")).isTrue();
        Deployment primary = cluster.deployment(NAMESPACE, service);
        assertThat(image(primary)).isEqualTo(imageOf(service, "2.0.0"));
        assertThat(primary.getSpec().getReplicas()).isEqualTo(4);
        assertThat(primary.getMetadata().getAnnotations()).doesNotContainKey("lifeguard.dev/primary-replicas");
        assertThat(cluster.replicas(NAMESPACE, canary)).containsExactly(0);
        assertThat(cluster.serviceSelector(NAMESPACE, service)).isEqualTo(appLabels(service));
        awaitEnvironment(service, "production", "2.0.0");

        assertThat(awaitRolloutEvents(service, v2, "step-started", 4))
                .extracting(step -> step.at("/data/subject/content/step/kind").asText() + ":"
                        + step.at("/data/subject/content/weight").asInt())
                .containsExactly("set-weight:10", "pause:10", "set-weight:50", "pause:50");
        assertThat(awaitRolloutEvents(service, v2, "promoted", 1).get(0)
                .at("/data/subject/content/promotedBy").asText()).isEqualTo("steps");
        JsonNode upgraded = awaitEvent(service, "service.upgraded");
        assertThat(upgraded.at("/data/customData/deploymentId").asText()).isEqualTo(v2);
        assertThat(upgraded.at("/data/customData/rollout").asBoolean()).isTrue();
        assertThat(upgraded.at("/data/subject/content/artifactId").asText()).endsWith("@2.0.0");

        // the next canary reuses the canary Deployment scaled to 0, beside the primary now on 2.0.0
        String v3 = rollOut(service, "3.0.0", canary());
        awaitRollout(v3, "ANALYSING", 1);
        assertThat(cluster.replicas(NAMESPACE, canary, service)).containsExactly(1, 3);
        assertThat(image(cluster.deployment(NAMESPACE, canary))).isEqualTo(imageOf(service, "3.0.0"));
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "2.0.0"));
    }

    @Test
    void aCanaryWhoseStepAnalysisFailsIsRemovedAndThePrimaryRunsTheStableImageOnAllItsReplicas() {
        startRollout("canary-k8s-fails", 4, canary());
        assertThat(cluster.replicas(NAMESPACE, service + "-canary", service)).containsExactly(1, 3);

        abortByFailedStepAnalysis();

        assertThat(cluster.deployment(NAMESPACE, service + "-canary")).isNull();
        Deployment primary = cluster.deployment(NAMESPACE, service);
        assertThat(image(primary)).isEqualTo(imageOf(service, "1.0.0"));
        assertThat(primary.getSpec().getReplicas()).isEqualTo(4);
        assertThat(primary.getMetadata().getAnnotations()).doesNotContainKey("lifeguard.dev/primary-replicas");
        assertThat(cluster.serviceSelector(NAMESPACE, service)).isEqualTo(appLabels(service));
    }

    @Test
    void blueGreenPreviewsOnGreenSwitchesTheServiceOnPromotionAndARollbackSwitchesItBackToBlue() {
        startRollout("bluegreen-k8s", 3, blueGreen(true));
        String green = service + "-green";
        String preview = service + "-preview";

        assertThat(image(cluster.deployment(NAMESPACE, green))).isEqualTo(imageOf(service, "2.0.0"));
        assertThat(cluster.replicas(NAMESPACE, green, service)).containsExactly(3, 3);
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "1.0.0"));
        assertThat(cluster.serviceSelector(NAMESPACE, preview))
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", service, COLOR, "green"));
        assertThat(cluster.serviceSelector(NAMESPACE, service)).as("all traffic still on blue")
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", service, COLOR, "blue"));
        List<JsonNode> steps = awaitRolloutEvents(service, v2, "step-started", 2);
        assertThat(steps).extracting(step -> step.at("/data/subject/content/step/kind").asText())
                .containsExactly("preview", "pause");
        assertThat(steps.get(1).at("/data/subject/content/analysis/analysisId").asText()).isEqualTo(v2 + "#1");
        publishStepVerdict(service, v2, 1, "passed");

        awaitPhase(v2, "PROMOTED");
        assertThat(cluster.serviceSelector(NAMESPACE, service))
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", service, COLOR, "green"));
        assertThat(cluster.serviceSelector(NAMESPACE, preview)).as("the preview Service is gone").isNull();
        assertThat(cluster.replicas(NAMESPACE, service)).as("blue keeps running for a switch back").containsExactly(3);
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "1.0.0"));
        awaitEnvironment(service, "production", "2.0.0");
        assertThat(awaitRolloutEvents(service, v2, "promoted", 1)).hasSize(1);
        assertThat(awaitEvent(service, "service.upgraded").at("/data/customData/strategy/type").asText())
                .isEqualTo("blue-green");

        String rollbackId = UUID.randomUUID().toString();
        kafka().send(ROLLBACKS_TOPIC, service + "/production",
                rollbackRequest(UUID.randomUUID().toString(), rollbackId, service, v2, "chain-" + service));

        awaitEnvironment(service, "production", "1.0.0");
        await().atMost(BOUND).untilAsserted(() -> assertThat(cluster.serviceSelector(NAMESPACE, service))
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", service, COLOR, "blue")));
        assertThat(image(cluster.deployment(NAMESPACE, service))).as("an instant switch: nothing patched")
                .isEqualTo(imageOf(service, "1.0.0"));
        assertThat(image(cluster.deployment(NAMESPACE, green))).isEqualTo(imageOf(service, "2.0.0"));
        given().get("/api/v1/rollbacks/{id}", rollbackId).then().statusCode(200).body("outcome", equalTo("EXECUTED"));
        JsonNode rolledBack = awaitEvent(service, "service.rolledback");
        assertThat(rolledBack.at("/data/customData/rollbackId").asText()).isEqualTo(rollbackId);
        assertThat(rolledBack.at("/data/customData/toVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void aBlueGreenPreviewWhoseAnalysisFailsIsRemovedAndTheServiceNeverLeavesBlue() {
        startRollout("bluegreen-k8s-fails", 2, blueGreen(true));
        assertThat(cluster.replicas(NAMESPACE, service + "-green", service)).containsExactly(2, 2);
        assertThat(cluster.serviceSelector(NAMESPACE, service + "-preview")).containsEntry(COLOR, "green");

        abortByFailedStepAnalysis();

        assertThat(cluster.deployment(NAMESPACE, service + "-green")).isNull();
        assertThat(cluster.serviceSelector(NAMESPACE, service + "-preview")).isNull();
        assertThat(cluster.serviceSelector(NAMESPACE, service))
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", service, COLOR, "blue"));
        assertThat(cluster.replicas(NAMESPACE, service)).containsExactly(2);
        assertThat(image(cluster.deployment(NAMESPACE, service))).isEqualTo(imageOf(service, "1.0.0"));
    }

    // --- fixtures ------------------------------------------------------------------------------------------------

    /**
     * A target on the kubernetes executor in namespace "production" whose images are
     * {@code ghcr.io/acme/<service>:<version>}; its Deployment runs 1.0.0 on {@code replicas} pods behind the Service
     * of the same name. 1.0.0 is reported deployed, then 2.0.0 rolled out with the strategy: returns once its first
     * analysis (step 1) runs.
     */
    private void startRollout(String prefix, int replicas, Map<String, Object> strategy) {
        service = unique(prefix);
        given().contentType(ContentType.JSON)
                .body(Map.of("executor", "kubernetes",
                        "kubernetes", Map.of("imageTemplate", "ghcr.io/acme/{service}:{version}")))
                .put("/api/v1/targets/{s}/production", service).then().statusCode(200);
        cluster = new KubernetesTestCluster(client);
        cluster.primary(NAMESPACE, service, imageOf(service, "1.0.0"), replicas);
        cluster.service(NAMESPACE, service);
        v1 = deploy(service, "1.0.0");
        v2 = rollOut(service, "2.0.0", strategy);
        awaitRollout(v2, "ANALYSING", 1);
    }

    /**
     * Fails the analysis of step 1 of rollout v2; waits for the abort to be executed and checks what
     * deploy-service says: the rollout ROLLED_BACK, the stable deployment still current, service.rolledback.
     */
    private void abortByFailedStepAnalysis() {
        publishStepVerdict(service, v2, 1, "failed");

        assertThat(awaitPhase(v2, "ABORTED").getString("status")).isEqualTo("ROLLED_BACK");
        given().get("/api/v1/rollbacks/{id}", "abort-" + v2).then().statusCode(200)
                .body("outcome", equalTo("EXECUTED"));
        assertThat(view(v1).getBoolean("current")).isTrue();
        awaitEnvironment(service, "production", "1.0.0");
        assertThat(awaitRolloutEvents(service, v2, "aborted", 1).get(0)
                .at("/data/subject/content/abortedBy").asText()).isEqualTo("analysis");
        JsonNode rolledBack = awaitEvent(service, "service.rolledback");
        assertThat(rolledBack.at("/data/customData/rolloutAborted").asBoolean()).isTrue();
        assertThat(rolledBack.at("/data/customData/fromVersion").asText()).isEqualTo("2.0.0");
        assertThat(rolledBack.at("/data/customData/restoredDeploymentId").asText()).isEqualTo(v1);
        assertThat(rolledBack.at("/data/customData/reportedBy").asText()).isEqualTo("executor");
    }

    private static String imageOf(String service, String version) {
        return "ghcr.io/acme/" + service + ":" + version;
    }

    /** The first event of that type deploy-service published for the service, checked against its contract. */
    private static JsonNode awaitEvent(String service, String type) {
        await().atMost(BOUND).until(() -> allEvents(service).stream()
                .anyMatch(event -> event.path("type").asText().contains(type)));
        List<JsonNode> events = allEvents(service).stream()
                .filter(event -> event.path("type").asText().contains(type)).toList();
        return events.get(0);
    }
}
