package dev.lifeguard.deploy.executor;

/**
 * Carries out a rollback on the real platform (Kubernetes, a CD webhook, ...). Each implementation
 * lives in its own package and is selected by its {@code @Identifier} through
 * {@code lifeguard.deploy.rollback-executor}. It runs inside the rollback transaction: throwing
 * aborts the state change.
 */
public interface RollbackExecutor {

    /** Rolls the target back and returns a one-line description of what was done. */
    String execute(RollbackPlan plan);

    record RollbackPlan(String rollbackId, String service, String environment, String fromVersion, String toVersion,
                        String toArtifactId, String reason) {
    }
}
