package dev.lifeguard.deploy.executor.kubernetes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.RollbackExecutor.ExecutionOutcome;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.testsupport.KafkaBrokerResource;
import dev.lifeguard.testsupport.PostgresResource;
import dev.lifeguard.testsupport.SecurityTestResource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@code kubernetes} executor against fabric8's mock API server: CRUD mode holds the Deployments; recorded
 * expectations (answered before CRUD) stand in for an API server that is failing, forbidding or contended.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SecurityTestResource.class)
class KubernetesRollbackExecutorTest {

    private static final String DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427";

    @Inject
    @Identifier("kubernetes")
    RollbackExecutor executor;

    @Inject
    KubernetesClient client;

    @Inject
    KubernetesConfig config;

    @KubernetesTestServer
    KubernetesServer server;

    // --- rolling back ------------------------------------------------------------------------------------------

    @Test
    void setsTheFirstContainersImageInTheDeploymentNamedLikeTheServiceInTheNamespaceNamedLikeTheEnvironment() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"),
                container("proxy", "envoyproxy/envoy:v1.31"));

        ExecutionOutcome outcome = executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings());

        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.detail()).isEqualTo("set " + environment + "/" + service
                + " container app image to registry.example.com/checkout:1.0.0");
        Deployment after = read(environment, service);
        assertThat(after.getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getName, Container::getImage)
                .containsExactly(tuple("app", "registry.example.com/checkout:1.0.0"),
                        tuple("proxy", "envoyproxy/envoy:v1.31"));
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry("lifeguard.dev/rollback-id", "rb-" + service)
                .containsEntry("lifeguard.dev/rolled-back-from", "2.0.0")
                .containsEntry("lifeguard.dev/rolled-back-to", "1.0.0")
                .containsEntry("kubernetes.io/change-cause", "Lifeguard rollback rb-" + service + ": 2.0.0 -> 1.0.0")
                .containsEntry("team", "payments");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("lifeguard.dev/rollback-id", "rb-" + service)
                .containsEntry("prometheus.io/scrape", "true");
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .as("the rest of the container is untouched").hasSize(1);
    }

    @Test
    void aRetryOfTheSameRollbackChangesNothing() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        RollbackPlan plan = plan(service, environment, "registry.example.com/checkout:1.0.0");
        executor.execute(plan, settings());
        String resourceVersion = read(environment, service).getMetadata().getResourceVersion();

        ExecutionOutcome retry = executor.execute(plan, settings());

        assertThat(retry.completed()).isTrue();
        assertThat(retry.detail()).startsWith("set " + environment + "/" + service
                + " container app image to registry.example.com/checkout:1.0.0").contains("already");
        assertThat(read(environment, service).getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void aDeploymentAlreadyOnTheImageIsAnnotatedWithoutANewRollout() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:1.0.0"));
        Map<String, String> templateBefore = read(environment, service).getSpec().getTemplate().getMetadata().getAnnotations();

        ExecutionOutcome outcome = executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings());

        assertThat(outcome.detail()).contains("already ran that image");
        Deployment after = read(environment, service);
        assertThat(after.getMetadata().getAnnotations()).containsEntry("lifeguard.dev/rollback-id", "rb-" + service)
                .doesNotContainKey("kubernetes.io/change-cause");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
                .as("an unchanged pod template starts no rollout").isEqualTo(templateBefore);
    }

    @Test
    void aNewRollbackOfAnAnnotatedDeploymentReplacesTheAnnotations() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:3.0.0"));
        executor.execute(plan(service, environment, "registry.example.com/checkout:2.0.0"), settings());

        RollbackPlan second = new RollbackPlan("rb2-" + service, service, environment, "2.0.0", "1.0.0", null,
                "registry.example.com/checkout:1.0.0", "analysis failed", "chain");
        executor.execute(second, settings());

        Deployment after = read(environment, service);
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/checkout:1.0.0");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("lifeguard.dev/rollback-id", "rb2-" + service)
                .containsEntry("lifeguard.dev/rolled-back-to", "1.0.0");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("lifeguard.dev/rollback-id", "rb2-" + service);
    }

    @Test
    void theTargetsNamespaceDeploymentAndContainerSettingsAreUsed() {
        String service = unique("checkout");
        String namespace = unique("shop");
        String deployment = unique("checkout-web");
        create(namespace, deployment, container("init-proxy", "envoyproxy/envoy:v1.31"),
                container("web", "registry.example.com/checkout:2.0.0"));
        create("production", service, container("web", "registry.example.com/checkout:2.0.0"));

        ExecutionOutcome outcome = executor.execute(plan(service, "production", "registry.example.com/checkout:1.0.0"),
                settings("namespace", namespace, "deployment", deployment, "container", "web"));

        assertThat(outcome.detail()).isEqualTo("set " + namespace + "/" + deployment
                + " container web image to registry.example.com/checkout:1.0.0");
        assertThat(read(namespace, deployment).getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getImage).containsExactly("envoyproxy/envoy:v1.31", "registry.example.com/checkout:1.0.0");
        assertThat(read("production", service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .as("the default deployment is not touched").isEqualTo("registry.example.com/checkout:2.0.0");
    }

    // --- the image of the stable version -----------------------------------------------------------------------

    @Test
    void withoutAnImageTheOciPackageUrlNamesIt() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "ghcr.io/shop/checkout:2.0.0"));
        RollbackPlan plan = new RollbackPlan("rb-" + service, service, environment, "2.0.0", "1.0.0",
                "pkg:oci/checkout@" + DIGEST.replace(":", "%3A") + "?repository_url=ghcr.io/shop/checkout&tag=1.0.0",
                null, "analysis failed", "chain");

        executor.execute(plan, settings());

        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/shop/checkout@" + DIGEST);
    }

    @Test
    void withoutAnImageOrOciPackageUrlTheTargetsImageTemplateNamesIt() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));

        executor.execute(planWithoutImage(service, environment, "1.0.0"),
                settings("imageTemplate", "registry.example.com/{service}:{version}"));

        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/" + service + ":1.0.0");
    }

    @Test
    void withNoWayToKnowTheImageTheRollbackFailsAndSaysWhy() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        assertThat(config.imageTemplate()).as("no configured default template in this test").isEmpty();

        assertThatThrownBy(() -> executor.execute(planWithoutImage(service, environment, "1.0.0"), settings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("no container image is known for " + service + " version 1.0.0")
                .hasMessageContaining("imageTemplate");
        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/checkout:2.0.0");
    }

    @Test
    void aVersionThatMakesNoValidImageFailsBeforeAnythingIsPatched() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        String resourceVersion = read(environment, service).getMetadata().getResourceVersion();

        assertThatThrownBy(() -> executor.execute(planWithoutImage(service, environment, "1.0.0+build.7"),
                settings("imageTemplate", "registry.example.com/{service}:{version}")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("registry.example.com/" + service + ":1.0.0+build.7")
                .hasMessageContaining("not a valid container image reference");
        assertThat(read(environment, service).getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    // --- what cannot work ----------------------------------------------------------------------------------------

    @Test
    void aMissingDeploymentFails() {
        String service = unique("checkout");
        String environment = unique("production");

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessage("deployment " + service + " not found in namespace " + environment);
    }

    @Test
    void aMissingContainerFailsNamingTheContainersThereAre() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"),
                container("proxy", "envoyproxy/envoy:v1.31"));

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"),
                settings("container", "web")))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("has no container 'web'").hasMessageContaining("app, proxy");
    }

    @Test
    void aDefaultNameThatKubernetesWouldRefuseFailsAskingForTheSetting() {
        String service = unique("checkout");

        assertThatThrownBy(() -> executor.execute(plan(service, "Prod_EU", "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("namespace defaults to the environment 'Prod_EU'")
                .hasMessageContaining("set kubernetes.namespace");
    }

    @Test
    void aForbiddingApiServerFailsNamingTheMissingPermission() {
        String service = unique("checkout");
        String environment = unique("production");
        server.expect().get().withPath(deploymentPath(environment, service))
                .andReturn(403, status(403, "Forbidden", "deployments.apps \"" + service + "\" is forbidden: User"
                        + " \"system:serviceaccount:lifeguard:deploy-service\" cannot get resource \"deployments\""))
                .once();

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("403")
                .hasMessageContaining("get and patch on deployments in namespace " + environment)
                .hasMessageContaining("cannot get resource");
    }

    @Test
    void aPatchTheApiServerRejectsFails() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        server.expect().patch().withPath(deploymentPath(environment, service) + "?fieldManager=lifeguard")
                .andReturn(422, status(422, "Invalid", "Deployment.apps \"" + service + "\" is invalid")).once();

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(ExecutionFailedException.class)
                .hasMessageContaining("(422)").hasMessageContaining("is invalid");
    }

    // --- what may work later ---------------------------------------------------------------------------------------

    @Test
    void anUnavailableApiServerIsTransient() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        server.expect().get().withPath(deploymentPath(environment, service))
                .andReturn(503, status(503, "ServiceUnavailable", "etcdserver: request timed out")).once();

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("503").hasMessageContaining("etcdserver: request timed out");

        // the retry the runner makes later finds the API server back
        assertThat(executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()).completed()).isTrue();
        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/checkout:1.0.0");
    }

    @Test
    void aThrottlingApiServerIsTransient() {
        String service = unique("checkout");
        String environment = unique("production");
        server.expect().get().withPath(deploymentPath(environment, service))
                .andReturn(429, status(429, "TooManyRequests", "too many requests")).once();

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(TransientExecutionException.class).hasMessageContaining("429");
    }

    @Test
    void aConcurrentChangeIsReadAgainAndPatchedOnTopOfIt() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        server.expect().patch().withPath(deploymentPath(environment, service) + "?fieldManager=lifeguard")
                .andReturn(409, status(409, "Conflict", "the object has been modified")).once();

        ExecutionOutcome outcome = executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings());

        assertThat(outcome.completed()).isTrue();
        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/checkout:1.0.0");
    }

    @Test
    void aChangeBetweenTheReadAndThePatchMakesItReadAgainInsteadOfPatchingTheWrongContainer() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        Deployment stale = read(environment, service);
        // after the executor's first read, a sidecar is put in front of the app container
        client.apps().deployments().inNamespace(environment).withName(service).edit(d -> new DeploymentBuilder(d)
                .editSpec().editTemplate().editSpec()
                .withContainers(container("istio-proxy", "istio/proxyv2:1.24"), d.getSpec().getTemplate().getSpec().getContainers().get(0))
                .endSpec().endTemplate().endSpec().build());
        server.expect().get().withPath(deploymentPath(environment, service)).andReturn(200, stale).once();

        executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings("container", "app"));

        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getName, Container::getImage)
                .containsExactly(tuple("istio-proxy", "istio/proxyv2:1.24"),
                        tuple("app", "registry.example.com/checkout:1.0.0"));
    }

    @Test
    void aDeploymentThatKeepsChangingIsTransient() {
        String service = unique("checkout");
        String environment = unique("production");
        create(environment, service, container("app", "registry.example.com/checkout:2.0.0"));
        server.expect().patch().withPath(deploymentPath(environment, service) + "?fieldManager=lifeguard")
                .andReturn(409, status(409, "Conflict", "the object has been modified"))
                .times(KubernetesRollbackExecutor.ATTEMPTS_ON_CONFLICT);

        assertThatThrownBy(() -> executor.execute(plan(service, environment, "registry.example.com/checkout:1.0.0"), settings()))
                .isInstanceOf(TransientExecutionException.class)
                .hasMessageContaining("kept changing");
        assertThat(read(environment, service).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/checkout:2.0.0");
    }

    @Test
    void anUnreachableApiServerIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Config unreachable = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closedPort)
                .withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(unreachable).build()) {
            RollbackExecutor unconnected = new KubernetesRollbackExecutor(nowhere, config);

            assertThatThrownBy(() -> unconnected.execute(plan("checkout", "production", "registry.example.com/checkout:1.0.0"), settings()))
                    .isInstanceOf(TransientExecutionException.class)
                    .hasMessageContaining("could not reach the Kubernetes API for deployment production/checkout");
        }
    }

    // --- settings ----------------------------------------------------------------------------------------------------

    @Test
    void validSettingsAreStoredStripped() {
        assertThat(executor.validate(settings("namespace", "shop", "deployment", "checkout.web", "container", " web ",
                "imageTemplate", "ghcr.io/shop/{service}:{version}")))
                .isEqualTo(settings("namespace", "shop", "deployment", "checkout.web", "container", "web",
                        "imageTemplate", "ghcr.io/shop/{service}:{version}"));
        assertThat(executor.validate(settings())).isEqualTo(settings());
        ObjectNode withNull = settings("deployment", "checkout");
        withNull.putNull("namespace");
        assertThat(executor.validate(withNull)).as("null means the default").isEqualTo(settings("deployment", "checkout"));
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertInvalid(settings("namespace", "Shop_EU"), "namespace", "lower-case");
        assertInvalid(settings("namespace", "a".repeat(64)), "namespace", "63");
        assertInvalid(settings("deployment", "checkout..web"), "deployment", "lower-case");
        assertInvalid(settings("container", "web.1"), "container", "lower-case");
        assertInvalid(settings("container", ""), "container", "non-empty string");
        assertInvalid(settings("imageTemplate", "ghcr.io/shop/{service}:latest"), "imageTemplate", "{version}");
        assertInvalid(settings("imageTemplate", "ghcr.io/shop/{app}:{version}"), "imageTemplate", "unknown placeholder {app}");
        assertInvalid(settings("replicas", "2"), "replicas", "unknown setting");
        ObjectNode notText = settings();
        notText.put("deployment", 7);
        assertInvalid(notText, "deployment", "string");
    }

    private void assertInvalid(ObjectNode settings, String setting, String message) {
        assertThatThrownBy(() -> executor.validate(settings))
                .isInstanceOfSatisfying(InvalidExecutorSettingsException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessageContaining(message);
    }

    // --- fixtures ------------------------------------------------------------------------------------------------

    private void create(String namespace, String name, Container... containers) {
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).addToAnnotations("team", "payments").endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).addToAnnotations("prometheus.io/scrape", "true").endMetadata()
                .withNewSpec().withContainers(containers).endSpec()
                .endTemplate()
                .endSpec().build()).create();
    }

    private Deployment read(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    private static Container container(String name, String image) {
        return new ContainerBuilder().withName(name).withImage(image).addNewPort().withContainerPort(8080).endPort().build();
    }

    private static RollbackPlan plan(String service, String environment, String toImage) {
        return new RollbackPlan("rb-" + service, service, environment, "2.0.0", "1.0.0",
                "pkg:generic/" + service + "@1.0.0", toImage, "analysis failed", "chain");
    }

    private static RollbackPlan planWithoutImage(String service, String environment, String toVersion) {
        return new RollbackPlan("rb-" + service, service, environment, "2.0.0", toVersion,
                "pkg:generic/" + service + "@" + toVersion, null, "analysis failed", "chain");
    }

    private static ObjectNode settings(String... namesAndValues) {
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            settings.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return settings;
    }

    private static String deploymentPath(String namespace, String name) {
        return "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name;
    }

    private static Status status(int code, String reason, String message) {
        return new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
