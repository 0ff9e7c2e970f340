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
     * Whether this executor carries out rollout steps (canary, blue-green, and the deployment of a gated version once
     * it is released). A target whose executor does not may only use {@code all-at-once}.
     */
    default boolean runsRollouts() {
        return false;
    }

    /**
     * Applies one rollout step. Runs outside any transaction, with a timeout, and may be called again for the same
     * {@link RolloutStep#stepId()}: it must be idempotent on it.
     *
     * @return {@link ExecutionOutcome#done} when the platform applied the step; {@link ExecutionOutcome#accepted} when
     * the platform took it and applies it on its own (a webhook answering 202): the rollout goes on either way
     * @throws TransientExecutionException when trying again later may work
     * @throws ExecutionFailedException when it cannot work as configured
     */
    default ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        throw new ExecutionFailedException("this executor does not carry out rollout steps; use strategy all-at-once");
    }

    /**
     * One rollback to carry out. {@code toImage} is the container image of the stable version when known (the
     * deployment event's {@code image}, or one derived from an OCI package URL), else null.
     */
    record RollbackPlan(String rollbackId, String service, String environment, String fromVersion, String toVersion,
                        String toArtifactId, String toImage, String reason, String chainId) {
    }

    /** What a rollout step asks of the platform. */
    enum StepAction {
        /**
         * Canary: run the new version beside the stable one with {@code weight} percent of the traffic. Blue-green
         * (weight 0): run the new version beside the stable one, reachable on the preview only.
         */
        SET_WEIGHT("set-weight"),
        /** The new version takes all traffic; canary leftovers go (blue-green keeps the old colour for a switch back). */
        PROMOTE("promote"),
        /** All traffic back to the stable version; the new version's canary / preview goes. */
        ABORT("abort");

        private final String wireName;

        StepAction(String wireName) {
            this.wireName = wireName;
        }

        /** The name in step requests and events. */
        public String wireName() {
            return wireName;
        }
    }

    /**
     * One rollout step to apply. {@code stepId} ({@code <deploymentId>/<stepIndex>/<action>}) identifies the call for
     * idempotency; {@code strategy} is {@code canary}, {@code blue-green} or {@code all-at-once} (a released gated
     * deployment: one PROMOTE); {@code image} / {@code stableImage} are container images when known, else null;
     * {@code stepIndex} is -1 for a call outside the strategy's steps (all-at-once promote, abort before any step).
     */
    record RolloutStep(String stepId, StepAction action, String strategy, String deploymentId, String service,
                       String environment, String version, String artifactId, String image, String stableVersion,
                       String stableArtifactId, String stableImage, int stepIndex, int weight, String reason,
                       String chainId) {
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
