package dev.lifeguard.deploy.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Carries out a rollback on a real platform (Kubernetes, a CD webhook, GitHub Actions, Argo CD, a person). Each
 * implementation lives in its own package and is found by its {@code @Identifier}, the name a target chooses in
 * {@code PUT /api/v1/targets/{service}/{environment}} ({@code lifeguard.deploy.rollback-executor} when it chose
 * none).
 * <p>
 * {@link #execute} runs outside any database transaction, with a timeout, and may be called again for the same
 * {@link RollbackPlan#rollbackId()} (a retry, or a second attempt after a crash): it must be idempotent on it.
 */
public interface RollbackExecutor {

    /**
     * Checks a target's settings for this executor (the object under the executor's name in the target body) and
     * returns them normalised. Defaults that come from configuration are not copied in: they are read at execution
     * time, so a changed default applies to every target that does not override it.
     *
     * @throws InvalidExecutorSettingsException naming the setting that is wrong
     */
    ObjectNode validate(ObjectNode settings);

    /** Settings that are secrets: stored, never shown back over REST, never logged. */
    default Set<String> secretSettings() {
        return Set.of();
    }

    /**
     * Rolls the target back to {@link RollbackPlan#toVersion()}.
     *
     * @param settings the target's validated settings ({@code {}} when it has none)
     * @return what was done: {@link ExecutionOutcome#done} when the platform runs the stable version again,
     * {@link ExecutionOutcome#accepted} when completion is reported later (a {@code service.rolledback} from CI, or
     * {@code POST /api/v1/rollbacks/{id}/complete})
     * @throws TransientExecutionException when trying again later may work (timeouts, 5xx, 429, connection refused)
     * @throws ExecutionFailedException when it cannot work as configured (4xx, a missing resource)
     */
    ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings);

    /**
     * One rollback to carry out. {@code toImage} is the container image of the stable version when known (the
     * deployment event's {@code image}, or one derived from an OCI package URL), else null.
     */
    record RollbackPlan(String rollbackId, String service, String environment, String fromVersion, String toVersion,
                        String toArtifactId, String toImage, String reason, String chainId) {
    }

    /** The result of one successful call. {@code detail} is one line for people (no secrets). */
    record ExecutionOutcome(boolean completed, String detail) {

        public static ExecutionOutcome done(String detail) {
            return new ExecutionOutcome(true, detail);
        }

        public static ExecutionOutcome accepted(String detail) {
            return new ExecutionOutcome(false, detail);
        }
    }
}
