package dev.lifeguard.deploy.executor.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;
import dev.lifeguard.deploy.executor.RollbackExecutor.RolloutStep;
import dev.lifeguard.deploy.executor.RollbackExecutor.StepAction;
import dev.lifeguard.support.net.PinnedHttpClient;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.UUID;

/** Rollback plans and settings for the executor tests. */
public final class ExecutorTestPlans {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** The pinned HTTP client the executors call through, on a Vert.x instance of the test JVM's own. */
    public static final PinnedHttpClient HTTP = new PinnedHttpClient(Vertx.vertx());
    public static final String REASON = "error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0";

    private ExecutorTestPlans() {
    }

    /** checkout/production from 2.0.0 back to 1.0.0, with a fresh rollback id. */
    public static RollbackPlan plan() {
        return new RollbackPlan("rb-" + UUID.randomUUID(), "checkout", "production", "2.0.0", "1.0.0",
                "pkg:oci/checkout?repository_url=ghcr.io/acme/checkout&tag=1.0.0", "ghcr.io/acme/checkout:1.0.0",
                REASON, "chain-" + UUID.randomUUID());
    }

    /**
     * A canary step of checkout/production from 1.0.0 to 2.0.1 of deployment {@code deploymentId}; the step id is
     * {@code <deploymentId>/<stepIndex>/<action>} as deploy-service makes it.
     */
    public static RolloutStep step(String deploymentId, StepAction action, String strategy, int stepIndex, int weight) {
        return new RolloutStep(deploymentId + "/" + stepIndex + "/" + action.wireName(), action, strategy, deploymentId,
                "checkout", "production", "2.0.1", "pkg:oci/checkout?repository_url=ghcr.io/acme/checkout&tag=2.0.1",
                "ghcr.io/acme/checkout:2.0.1", "1.0.0",
                "pkg:oci/checkout?repository_url=ghcr.io/acme/checkout&tag=1.0.0", "ghcr.io/acme/checkout:1.0.0",
                stepIndex, weight, action == StepAction.ABORT ? REASON : null, "chain-" + deploymentId);
    }

    public static ObjectNode settings(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on (it was free a moment ago), for "connection refused". */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
