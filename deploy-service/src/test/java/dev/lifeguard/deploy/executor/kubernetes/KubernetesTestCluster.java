package dev.lifeguard.deploy.executor.kubernetes;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;

/**
 * A team's workload as the kubernetes executor's tests put it on the CRUD mock API server (a Deployment named like
 * the app, pods labelled {@code app: <name>}, a Service in front selecting them) and what they read back.
 */
final class KubernetesTestCluster {

    private final KubernetesClient client;

    KubernetesTestCluster(KubernetesClient client) {
        this.client = client;
    }

    static Map<String, String> appLabels(String app) {
        return Map.of("app", app);
    }

    /** The team's Deployment {@code app}: one container "app" on {@code image}, port 8080. */
    void primary(String namespace, String app, String image, int replicas) {
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName(app).withNamespace(namespace).addToAnnotations("team", "payments")
                .addToLabels("app", app).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels(appLabels(app)).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels(appLabels(app)).addToAnnotations("prometheus.io/scrape", "true").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).addNewPort().withContainerPort(8080)
                .endPort().endContainer().endSpec()
                .endTemplate()
                .endSpec().build()).create();
    }

    /** The Service {@code app} in front of the app's pods: port 80 to 8080. */
    void service(String namespace, String app) {
        client.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName(app).withNamespace(namespace).endMetadata()
                .withNewSpec().withSelector(appLabels(app)).addNewPort().withName("http").withPort(80)
                .withNewTargetPort(8080).endPort().endSpec().build()).create();
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    /** The selector of Service {@code name}, or null when there is no such Service. */
    Map<String, String> serviceSelector(String namespace, String name) {
        io.fabric8.kubernetes.api.model.Service service = client.services().inNamespace(namespace).withName(name).get();
        return service == null ? null : service.getSpec().getSelector();
    }

    int[] replicas(String namespace, String... names) {
        int[] replicas = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            replicas[i] = deployment(namespace, names[i]).getSpec().getReplicas();
        }
        return replicas;
    }

    static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
