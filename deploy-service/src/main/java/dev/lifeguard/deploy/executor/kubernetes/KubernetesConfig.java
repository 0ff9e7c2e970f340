package dev.lifeguard.deploy.executor.kubernetes;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Defaults of the {@code kubernetes} executor. The cluster connection itself is {@link KubernetesConnection}'s:
 * {@code KUBERNETES_MASTER}, else the kubeconfig, else the pod's service account.
 */
@ConfigMapping(prefix = "lifeguard.deploy.executors.kubernetes")
public interface KubernetesConfig {

    /**
     * Image of a version when the deployment event names none and its artifactId is no OCI package URL, e.g.
     * {@code registry.example.com/{service}:{version}} (placeholders {service}, {environment}, {version}). A target's
     * {@code imageTemplate} setting overrides it.
     */
    Optional<String> imageTemplate();
}
