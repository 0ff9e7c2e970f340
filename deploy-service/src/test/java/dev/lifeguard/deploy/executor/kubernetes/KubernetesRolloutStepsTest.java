package dev.lifeguard.deploy.executor.kubernetes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * The {@code kubernetes} executor's rollout steps against fabric8's CRUD mock API server: after each step, the
 * Deployments' images and replicas and the Service's selector.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class KubernetesRolloutStepsTest {

    private static final String STABLE = "ghcr.io/acme/checkout:1.0.0";
    private static final String NEW = "ghcr.io/acme/checkout:2.0.1";
    private static final Map<String, String> APP = Map.of("app", "checkout");

    @Inject
    @Identifier("kubernetes")
    RollbackExecutor executor;

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer server;

    // --- canary ------------------------------------------------------------------------------------------------

    @Test
    void aCanaryGoesTenFiftyPromotedWithReplicasInProportionAndTheServiceSelectingBoth() {
        String ns = unique("shop");
        primary(ns, 10);
        service(ns);
        executor.validate(settings(ns));
        assertThat(executor.runsRollouts()).isTrue();

        ExecutionOutcome ten = executor.applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 0, 10), settings(ns));

        assertThat(ten.completed()).isTrue();
        assertThat(ten.detail()).contains("runs " + NEW + " on 1 of 10 pods (10% for weight 10%)");
        Deployment canary = deployment(ns, "checkout-canary");
        assertThat(image(canary)).isEqualTo(NEW);
        assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
        assertThat(canary.getSpec().getSelector().getMatchLabels())
                .containsExactly(entry("app", "checkout"), entry("lifeguard.dev/track", "canary"));
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .contains(entry("app", "checkout"), entry("lifeguard.dev/track", "canary"));
        assertThat(canary.getSpec().getTemplate().getMetadata().getAnnotations())
                .as("the pod template is the primary's").containsEntry("prometheus.io/scrape", "true");
        assertThat(canary.getMetadata().getAnnotations()).containsEntry("lifeguard.dev/rollout-step", "d-1/0/set-weight")
                .containsEntry("lifeguard.dev/version", "2.0.1").containsEntry("lifeguard.dev/canary-of", "checkout");
        Deployment primary = deployment(ns, "checkout");
        assertThat(image(primary)).isEqualTo(STABLE);
        assertThat(primary.getSpec().getReplicas()).isEqualTo(9);
        assertThat(primary.getMetadata().getAnnotations()).containsEntry("lifeguard.dev/primary-replicas", "10")
                .containsEntry("team", "payments");
        assertThat(serviceSelector(ns)).as("the Service selects primary and canary pods alike").isEqualTo(APP);

        executor.applyStep(step("d-1", StepAction.SET_WEIGHT, "canary", 2, 50), settings(ns));

        assertThat(deployment(ns, "checkout-canary").getSpec().getReplicas()).isEqualTo(5);
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(5);
        assertThat(image(deployment(ns, "checkout"))).isEqualTo(STABLE);
        assertThat(serviceSelector(ns)).isEqualTo(APP);

        ExecutionOutcome promoted = executor.applyStep(step("d-1", StepAction.PROMOTE, "canary", 4, 100), settings(ns));

        assertThat(promoted.detail()).isEqualTo("promoted " + ns + "/checkout to " + NEW
                + " on 10 pods, canary checkout-canary scaled to 0");
        primary = deployment(ns, "checkout");
        assertThat(image(primary)).isEqualTo(NEW);
        assertThat(primary.getSpec().getReplicas()).isEqualTo(10);
        assertThat(primary.getMetadata().getAnnotations()).doesNotContainKey("lifeguard.dev/primary-replicas")
                .containsEntry("lifeguard.dev/rollout-step", "d-1/4/promote");
        assertThat(deployment(ns, "checkout-canary").getSpec().getReplicas()).isZero();
        assertThat(serviceSelector(ns)).isEqualTo(APP);
    }

    @Test
    void anAbortedCanaryIsDeletedAndThePrimaryRestoredOnItsStableImage() {
        String ns = unique("shop");
        primary(ns, 4);
        executor.applyStep(step("d-2", StepAction.SET_WEIGHT, "canary", 0, 50), settings(ns));
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(2);

        ExecutionOutcome aborted = executor.applyStep(step("d-2", StepAction.ABORT, "canary", 1, 0), settings(ns));

        assertThat(aborted.detail()).isEqualTo("aborted: " + ns + "/checkout back on 4 pods of " + STABLE
                + ", canary checkout-canary deleted");
        assertThat(deployment(ns, "checkout-canary")).isNull();
        Deployment primary = deployment(ns, "checkout");
        assertThat(image(primary)).isEqualTo(STABLE);
        assertThat(primary.getSpec().getReplicas()).isEqualTo(4);
        assertThat(primary.getMetadata().getAnnotations()).doesNotContainKey("lifeguard.dev/primary-replicas");
    }

    @Test
    void fewReplicasSplitCoarselyTheCanaryHasAtLeastOneAndThePrimaryMayReachZero() {
        String ns = unique("shop");
        primary(ns, 3);

        executor.applyStep(step("d-3", StepAction.SET_WEIGHT, "canary", 0, 10), settings(ns));
        assertThat(replicas(ns, "checkout-canary", "checkout")).containsExactly(1, 2);
        executor.applyStep(step("d-3", StepAction.SET_WEIGHT, "canary", 2, 50), settings(ns));
        assertThat(replicas(ns, "checkout-canary", "checkout")).containsExactly(2, 1);
        executor.applyStep(step("d-3", StepAction.SET_WEIGHT, "canary", 4, 90), settings(ns));
        assertThat(replicas(ns, "checkout-canary", "checkout")).containsExactly(3, 0);
        assertThat(deployment(ns, "checkout").getMetadata().getAnnotations())
                .as("the count before the rollout, not the one at the last step")
                .containsEntry("lifeguard.dev/primary-replicas", "3");

        executor.applyStep(step("d-3", StepAction.ABORT, "canary", 5, 0), settings(ns));
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void repeatedStepsChangeNothing() {
        String ns = unique("shop");
        primary(ns, 10);
        RolloutStep ten = step("d-4", StepAction.SET_WEIGHT, "canary", 0, 10);
        executor.applyStep(ten, settings(ns));
        String primaryVersion = deployment(ns, "checkout").getMetadata().getResourceVersion();
        String canaryVersion = deployment(ns, "checkout-canary").getMetadata().getResourceVersion();

        assertThat(executor.applyStep(ten, settings(ns)).detail()).endsWith("(already applied)");
        assertThat(deployment(ns, "checkout").getMetadata().getResourceVersion()).isEqualTo(primaryVersion);
        assertThat(deployment(ns, "checkout-canary").getMetadata().getResourceVersion()).isEqualTo(canaryVersion);

        RolloutStep promote = step("d-4", StepAction.PROMOTE, "canary", 2, 100);
        executor.applyStep(promote, settings(ns));
        primaryVersion = deployment(ns, "checkout").getMetadata().getResourceVersion();
        assertThat(executor.applyStep(promote, settings(ns)).detail()).endsWith("(already applied)");
        assertThat(deployment(ns, "checkout").getMetadata().getResourceVersion()).isEqualTo(primaryVersion);
        assertThat(replicas(ns, "checkout-canary", "checkout")).containsExactly(0, 10);
    }

    @Test
    void aRepeatedAbortChangesNothing() {
        String ns = unique("shop");
        primary(ns, 4);
        executor.applyStep(step("d-5", StepAction.SET_WEIGHT, "canary", 0, 25), settings(ns));
        RolloutStep abort = step("d-5", StepAction.ABORT, "canary", 1, 0);
        executor.applyStep(abort, settings(ns));
        String version = deployment(ns, "checkout").getMetadata().getResourceVersion();

        assertThat(executor.applyStep(abort, settings(ns)).detail()).endsWith("(already applied)");
        assertThat(deployment(ns, "checkout").getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void anAllAtOncePromoteSetsThePrimarysImage() {
        String ns = unique("shop");
        primary(ns, 3);

        executor.applyStep(step("d-6", StepAction.PROMOTE, "all-at-once", -1, 100), settings(ns));

        assertThat(image(deployment(ns, "checkout"))).isEqualTo(NEW);
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment(ns, "checkout-canary")).isNull();
    }

    @Test
    void aConcurrentChangeIsReadAgainAndTheStepAppliedOnTopOfIt() throws InterruptedException {
        String ns = unique("shop");
        primary(ns, 10);
        String primaryPath = "/apis/apps/v1/namespaces/" + ns + "/deployments/checkout";
        server.expect().put().withPath(primaryPath)
                .andReturn(409, new StatusBuilder().withStatus("Failure").withCode(409).withReason("Conflict")
                        .withMessage("the object has been modified").build()).once();
        recordedRequests();

        executor.applyStep(step("d-7", StepAction.SET_WEIGHT, "canary", 0, 20), settings(ns));

        assertThat(replicas(ns, "checkout-canary", "checkout")).containsExactly(2, 8);
        assertThat(recordedRequests()).as("the refused update and the one after reading again")
                .filteredOn(request -> request.equals("PUT " + primaryPath)).hasSize(2);
    }

    /** The requests the mock API server received since the last call, as "METHOD path". */
    private List<String> recordedRequests() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        for (RecordedRequest request = server.getKubernetesMockServer().takeRequest(50, TimeUnit.MILLISECONDS); request != null;
             request = server.getKubernetesMockServer().takeRequest(50, TimeUnit.MILLISECONDS)) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    @Test
    void aMissingPrimaryFailsEveryStep() {
        String ns = unique("shop");
        for (StepAction action : StepAction.values()) {
            assertThatThrownBy(() -> executor.applyStep(step("d-8", action, "canary", 0, 10), settings(ns)))
                    .isInstanceOf(ExecutionFailedException.class)
                    .hasMessage("deployment checkout not found in namespace " + ns);
        }
        assertThatThrownBy(() -> executor.applyStep(step("d-8", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("service checkout not found in namespace " + ns);
        service(ns);
        assertThatThrownBy(() -> executor.applyStep(step("d-8", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessage("deployment checkout not found in namespace " + ns);
    }

    @Test
    void aNewVersionWithoutAKnownImageFailsBeforeAnythingChanges() {
        String ns = unique("shop");
        primary(ns, 2);
        RolloutStep withoutImage = new RolloutStep("d-9/0/set-weight", StepAction.SET_WEIGHT, "canary", "d-9",
                "checkout", "production", "2.0.1", "pkg:generic/checkout@2.0.1", null, "1.0.0", null, STABLE, 0, 10,
                null, "chain");

        assertThatThrownBy(() -> executor.applyStep(withoutImage, settings(ns)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("no container image is known for checkout version 2.0.1");
        assertThat(deployment(ns, "checkout-canary")).isNull();
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(2);
    }

    // --- blue-green ------------------------------------------------------------------------------------------------

    @Test
    void blueGreenPreviewsOnTheOtherColourSwitchesOnPromoteAndSwitchesBackOnRollback() {
        String ns = unique("shop");
        primary(ns, 3);
        service(ns);
        pod(ns, "checkout-abc12");
        pod(ns, "checkout-def34");

        ExecutionOutcome preview = executor.applyStep(step("d-10", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns));

        assertThat(preview.detail()).isEqualTo("checkout-green (green) runs " + NEW + " on 3 pods beside checkout"
                + " (blue), reachable on service checkout-preview; service checkout still selects blue");
        assertThat(serviceSelector(ns)).containsExactlyInAnyOrderEntriesOf(Map.of("app", "checkout",
                "lifeguard.dev/color", "blue"));
        assertThat(client.pods().inNamespace(ns).list().getItems())
                .allSatisfy(pod -> assertThat(pod.getMetadata().getLabels()).containsEntry("lifeguard.dev/color", "blue"));
        Deployment blue = deployment(ns, "checkout");
        assertThat(image(blue)).isEqualTo(STABLE);
        assertThat(blue.getSpec().getReplicas()).isEqualTo(3);
        assertThat(blue.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("lifeguard.dev/color", "blue");
        Deployment green = deployment(ns, "checkout-green");
        assertThat(image(green)).isEqualTo(NEW);
        assertThat(green.getSpec().getReplicas()).isEqualTo(3);
        assertThat(green.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "checkout", "lifeguard.dev/color", "green"));
        assertThat(green.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("lifeguard.dev/color", "green");
        Service previewService = client.services().inNamespace(ns).withName("checkout-preview").get();
        assertThat(previewService.getSpec().getSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "checkout", "lifeguard.dev/color", "green"));
        assertThat(previewService.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getTargetPort().getIntVal()).isEqualTo(8080));

        String greenVersion = deployment(ns, "checkout-green").getMetadata().getResourceVersion();
        assertThat(executor.applyStep(step("d-10", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns)).detail())
                .endsWith("(already applied)");
        assertThat(deployment(ns, "checkout-green").getMetadata().getResourceVersion()).isEqualTo(greenVersion);

        ExecutionOutcome promoted = executor.applyStep(step("d-10", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns));

        assertThat(promoted.detail()).isEqualTo("service checkout switched from blue (checkout) to green"
                + " (checkout-green, 2.0.1); checkout keeps running for a switch back");
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "green").containsEntry("app", "checkout");
        assertThat(client.services().inNamespace(ns).withName("checkout-preview").get()).isNull();
        assertThat(image(deployment(ns, "checkout"))).isEqualTo(STABLE);
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).as("blue stays for a switch back").isEqualTo(3);
        assertThat(image(deployment(ns, "checkout-green"))).isEqualTo(NEW);
        assertThat(executor.applyStep(step("d-10", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns)).detail())
                .endsWith("(already applied)");

        RollbackPlan rollback = new RollbackPlan("rb-" + ns, "checkout", "production", "2.0.1", "1.0.0", null, STABLE,
                "analysis failed", "chain");
        ExecutionOutcome back = executor.execute(rollback, settings(ns));

        assertThat(back.detail()).isEqualTo("switched service checkout back from green (checkout-green) to blue"
                + " (checkout, " + STABLE + ")");
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "blue");
        assertThat(image(deployment(ns, "checkout"))).as("no image was patched").isEqualTo(STABLE);
        assertThat(image(deployment(ns, "checkout-green"))).isEqualTo(NEW);
        assertThat(executor.execute(rollback, settings(ns)).detail()).contains("already switched back");
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "blue");
    }

    @Test
    void aBlueGreenAbortRemovesThePreviewAndLeavesTheServiceAlone() {
        String ns = unique("shop");
        primary(ns, 2);
        service(ns);
        executor.applyStep(step("d-11", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns));

        ExecutionOutcome aborted = executor.applyStep(step("d-11", StepAction.ABORT, "blue-green", 1, 0), settings(ns));

        assertThat(aborted.detail()).isEqualTo("aborted: checkout-green deleted, service checkout-preview deleted;"
                + " service checkout still selects blue");
        assertThat(deployment(ns, "checkout-green")).isNull();
        assertThat(client.services().inNamespace(ns).withName("checkout-preview").get()).isNull();
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "blue");
        assertThat(image(deployment(ns, "checkout"))).isEqualTo(STABLE);
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isEqualTo(2);
        assertThat(executor.applyStep(step("d-11", StepAction.ABORT, "blue-green", 1, 0), settings(ns)).detail())
                .contains("no preview deployment");
    }

    @Test
    void theNextBlueGreenRolloutPreviewsOnBlueAndAnAbortScalesThePrimaryDownWithoutDeletingIt() {
        String ns = unique("shop");
        primary(ns, 2);
        service(ns);
        executor.applyStep(step("d-12", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns));
        executor.applyStep(step("d-12", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns));
        RolloutStep next = new RolloutStep("d-13/0/set-weight", StepAction.SET_WEIGHT, "blue-green", "d-13", "checkout",
                "production", "2.0.2", null, "ghcr.io/acme/checkout:2.0.2", "2.0.1", null, NEW, 0, 0, null, "chain");

        executor.applyStep(next, settings(ns));

        assertThat(image(deployment(ns, "checkout"))).isEqualTo("ghcr.io/acme/checkout:2.0.2");
        assertThat(image(deployment(ns, "checkout-green"))).isEqualTo(NEW);
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "green");
        assertThat(client.services().inNamespace(ns).withName("checkout-preview").get().getSpec().getSelector())
                .containsEntry("lifeguard.dev/color", "blue");

        executor.applyStep(new RolloutStep("d-13/1/abort", StepAction.ABORT, "blue-green", "d-13", "checkout",
                "production", "2.0.2", null, "ghcr.io/acme/checkout:2.0.2", "2.0.1", null, NEW, 1, 0, "failed",
                "chain"), settings(ns));

        assertThat(deployment(ns, "checkout")).as("the team's own Deployment is not deleted").isNotNull();
        assertThat(deployment(ns, "checkout").getSpec().getReplicas()).isZero();
        assertThat(deployment(ns, "checkout-green").getSpec().getReplicas()).isEqualTo(2);
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "green");
        assertThat(client.services().inNamespace(ns).withName("checkout-preview").get()).isNull();
    }

    @Test
    void aRollbackWhoseOtherColourDoesNotRunTheStableImagePatchesTheLiveColour() {
        String ns = unique("shop");
        primary(ns, 2);
        service(ns);
        executor.applyStep(step("d-14", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns));
        executor.applyStep(step("d-14", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns));

        executor.execute(new RollbackPlan("rb-" + ns, "checkout", "production", "2.0.1", "0.9.0", null,
                "ghcr.io/acme/checkout:0.9.0", "analysis failed", "chain"), settings(ns));

        assertThat(image(deployment(ns, "checkout-green"))).isEqualTo("ghcr.io/acme/checkout:0.9.0");
        assertThat(image(deployment(ns, "checkout"))).isEqualTo(STABLE);
        assertThat(serviceSelector(ns)).containsEntry("lifeguard.dev/color", "green");
    }

    @Test
    void aCanaryOfATargetThatRanBlueGreenGoesBesideTheLiveColour() {
        String ns = unique("shop");
        primary(ns, 4);
        service(ns);
        executor.applyStep(step("d-17", StepAction.SET_WEIGHT, "blue-green", 0, 0), settings(ns));
        executor.applyStep(step("d-17", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns));
        RolloutStep canary = new RolloutStep("d-18/0/set-weight", StepAction.SET_WEIGHT, "canary", "d-18", "checkout",
                "production", "2.0.2", null, "ghcr.io/acme/checkout:2.0.2", "2.0.1", null, NEW, 0, 25, null, "chain");

        executor.applyStep(canary, settings(ns));

        Deployment greenCanary = deployment(ns, "checkout-green-canary");
        assertThat(image(greenCanary)).isEqualTo("ghcr.io/acme/checkout:2.0.2");
        assertThat(greenCanary.getSpec().getTemplate().getMetadata().getLabels())
                .as("selected by the Service, which selects green").containsEntry("lifeguard.dev/color", "green");
        assertThat(replicas(ns, "checkout-green-canary", "checkout-green", "checkout")).containsExactly(1, 3, 4);
        assertThat(deployment(ns, "checkout-canary")).isNull();
    }

    @Test
    void promotingWithoutAPreviewFails() {
        String ns = unique("shop");
        primary(ns, 2);
        service(ns);

        assertThatThrownBy(() -> executor.applyStep(step("d-15", StepAction.PROMOTE, "blue-green", 2, 100), settings(ns)))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("the blue-green preview step has not run");
        assertThat(serviceSelector(ns)).isEqualTo(APP);
    }

    @Test
    void theServiceSettingNamesTheServiceAndIsValidated() {
        String ns = unique("shop");
        primary(ns, 2);
        client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("checkout-web")
                .endMetadata().withNewSpec().withSelector(APP).addNewPort().withPort(80).withNewTargetPort(8080)
                .endPort().endSpec().build()).create();
        ObjectNode settings = settings(ns);
        settings.put("service", "checkout-web");

        executor.applyStep(step("d-16", StepAction.SET_WEIGHT, "blue-green", 0, 0), executor.validate(settings));

        assertThat(client.services().inNamespace(ns).withName("checkout-web").get().getSpec().getSelector())
                .containsEntry("lifeguard.dev/color", "blue");
        assertThat(client.services().inNamespace(ns).withName("checkout-web-preview").get()).isNotNull();
        ObjectNode invalid = settings(ns);
        invalid.put("service", "Checkout_Web");
        assertThatThrownBy(() -> executor.validate(invalid))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo("service"));
    }

    // --- fixtures ------------------------------------------------------------------------------------------------

    private void primary(String namespace, int replicas) {
        cluster().primary(namespace, "checkout", STABLE, replicas);
    }

    private void service(String namespace) {
        cluster().service(namespace, "checkout");
    }

    private void pod(String namespace, String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).addToLabels(APP)
                .addToLabels("pod-template-hash", "7d9f").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(STABLE).endContainer().endSpec().build();
        client.pods().inNamespace(namespace).resource(pod).create();
    }

    private KubernetesTestCluster cluster() {
        return new KubernetesTestCluster(client);
    }

    private Deployment deployment(String namespace, String name) {
        return cluster().deployment(namespace, name);
    }

    private Map<String, String> serviceSelector(String namespace) {
        return cluster().serviceSelector(namespace, "checkout");
    }

    private int[] replicas(String namespace, String... names) {
        return cluster().replicas(namespace, names);
    }

    private static String image(Deployment deployment) {
        return KubernetesTestCluster.image(deployment);
    }

    private static RolloutStep step(String deploymentId, StepAction action, String strategy, int stepIndex, int weight) {
        return new RolloutStep(deploymentId + "/" + stepIndex + "/" + action.wireName(), action, strategy, deploymentId,
                "checkout", "production", "2.0.1", "pkg:generic/checkout@2.0.1", NEW, "1.0.0",
                "pkg:generic/checkout@1.0.0", STABLE, stepIndex, weight, null, "chain-" + deploymentId);
    }

    private static ObjectNode settings(String namespace) {
        return JsonNodeFactory.instance.objectNode().put("namespace", namespace);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
