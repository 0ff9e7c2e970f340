package dev.lifeguard.rollback.policy;

import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.event.AnomalyDetectedEvent;

/**
 * Decides what to do about an anomaly. Pure: no I/O, the caller records the verdict and publishes the
 * request. Each implementation lives in its own package and is selected by its {@code @Identifier}
 * through {@code lifeguard.rollback.policy}.
 */
public interface RollbackPolicy {

    /**
     * @param anomaly    what monitor-service detected, with the evidence
     * @param deployment what deploy-service announced about the anomaly's deployment; null when it was never seen
     */
    Verdict decide(AnomalyDetectedEvent anomaly, TrackedDeployment deployment);
}
