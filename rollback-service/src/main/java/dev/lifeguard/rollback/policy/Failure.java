package dev.lifeguard.rollback.policy;

/**
 * What a policy decides about: a deployment that failed its analysis (an anomaly) or whose analysis was inconclusive.
 *
 * @param what        how a reason names it: {@code anomaly} or {@code inconclusive verdict}
 * @param evidence    the evidence in one line, quoted in every reason
 * @param rolloutStep the rollout step whose analysis it is; null for a full-traffic analysis
 */
public record Failure(String what, String deploymentId, String version, String evidence, Integer rolloutStep) {

    public boolean ofRolloutStep() {
        return rolloutStep != null;
    }
}
