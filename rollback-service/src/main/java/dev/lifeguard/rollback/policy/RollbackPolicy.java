package dev.lifeguard.rollback.policy;

import dev.lifeguard.rollback.TrackedDeployment;

/**
 * Selects the rollback target of a failing deployment, or says why there is none. Pure: no I/O, the caller applies
 * the decision rules on top ({@code service/DecisionRules}), records the decision and publishes it. Each
 * implementation lives in its own package and is selected by its {@code @Identifier} through
 * {@code lifeguard.rollback.policy}.
 */
public interface RollbackPolicy {

    /**
     * @param failure    what monitor-service found, with the evidence
     * @param deployment what deploy-service announced about the failing deployment; null when it was never seen
     */
    Verdict decide(Failure failure, TrackedDeployment deployment);
}
