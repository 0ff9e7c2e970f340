package dev.lifeguard.deploy.executor.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * The cluster connection of the {@code kubernetes} executor, built when a target first uses it (the client is
 * application-scoped, so what is injected is a proxy until then): deploy-service starts without a cluster, and
 * without loading the Kubernetes model. The cluster is found at run time by fabric8's own rules:
 * {@code KUBERNETES_MASTER} (with {@code KUBERNETES_AUTH_TOKEN}), else {@code KUBECONFIG} or {@code ~/.kube/config},
 * else the pod's service account. The client runs on the application's Vert.x instead of starting one of its own.
 */
@ApplicationScoped
public class KubernetesConnection {

    /** The rollback runner retries with backoff within its own timeout; the client's own retries would outlast it. */
    static final int CLIENT_RETRIES = 0;
    static final int TIMEOUT_MILLIS = 10_000;

    @Produces
    @ApplicationScoped
    KubernetesClient client(Vertx vertx) {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(CLIENT_RETRIES)
                .withConnectionTimeout(TIMEOUT_MILLIS)
                .withRequestTimeout(TIMEOUT_MILLIS)
                .build();
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new VertxHttpClientFactory(vertx))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
