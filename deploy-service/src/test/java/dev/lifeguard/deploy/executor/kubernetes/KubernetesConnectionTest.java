package dev.lifeguard.deploy.executor.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client the executor gets: the cluster from fabric8's standard settings (here the kubernetes.master system
 * property, as KUBERNETES_MASTER would), no retries of its own and 10 s timeouts, on the Vert.x it is given.
 */
class KubernetesConnectionTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        System.clearProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY);
        System.clearProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theClientFindsItsClusterAtRunTimeAndLeavesRetriesToTheRollbackRunner() {
        System.setProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, "https://cluster.example:6443");
        System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
        KubernetesConnection connection = new KubernetesConnection();

        KubernetesClient client = connection.client(vertx);
        try {
            assertThat(client.getConfiguration().getMasterUrl()).isEqualTo("https://cluster.example:6443/");
            assertThat(client.getConfiguration().getRequestRetryBackoffLimit()).isZero();
            assertThat(client.getConfiguration().getConnectionTimeout()).isEqualTo(10_000);
            assertThat(client.getConfiguration().getRequestTimeout()).isEqualTo(10_000);
        } finally {
            connection.close(client);
        }
    }
}
