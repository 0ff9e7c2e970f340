package dev.lifeguard.rollback.policy.stableversion;

import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.policy.Failure;
import dev.lifeguard.rollback.policy.RollbackPolicy;
import dev.lifeguard.rollback.policy.Verdict;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Rolls a misbehaving deployment back to the stable version deploy-service named for it, as long as it
 * still runs; a deployment rolling out in steps whose step analysis failed goes back to the stable version it runs
 * beside, at once. Anything else is skipped: rolling back what no longer runs (rolled back already, or replaced by
 * a newer deployment), or without a known-good target, would only make things worse.
 */
@ApplicationScoped
@Identifier(RollBackToStableVersionPolicy.NAME)
public class RollBackToStableVersionPolicy implements RollbackPolicy {

    public static final String NAME = "stable-version";

    @Override
    public Verdict decide(Failure anomaly, TrackedDeployment deployment) {
        String evidence = anomaly.evidence();
        if (deployment == null) {
            return Verdict.skip(anomaly.what() + " for unknown deployment " + anomaly.deploymentId() + "; " + evidence);
        }
        if (deployment.status == DeploymentStatus.ROLLING_OUT) {
            // a step of the rollout failed: the stable version still runs beside it, so going back is always safe
            if (deployment.stableVersion == null || deployment.stableVersion.equals(deployment.version)) {
                return Verdict.skip(rolloutFailure(anomaly, deployment) + ", but no other version runs beside it to go "
                        + "back to; " + evidence);
            }
            return Verdict.rollBackTo(deployment.stableVersion, rolloutFailure(anomaly, deployment)
                    + ": all traffic goes back to " + deployment.stableVersion + "; " + evidence);
        }
        if (deployment.status == DeploymentStatus.ROLLED_BACK) {
            return Verdict.skip("deployment " + deployment.deploymentId + " was rolled back already"
                    + (deployment.rolledBackTo != null ? " (to " + deployment.rolledBackTo + ")" : "") + "; " + evidence);
        }
        if (!deployment.isRunning()) {
            return Verdict.skip("deployment " + deployment.deploymentId
                    + " is not running any more (a newer deployment replaced it); " + evidence);
        }
        if (deployment.stableVersion == null) {
            return Verdict.skip("no stable version to roll back to; " + evidence);
        }
        if (deployment.stableVersion.equals(deployment.version)) {
            return Verdict.skip("the stable version " + deployment.stableVersion + " is the failing version; " + evidence);
        }
        return Verdict.rollBackTo(deployment.stableVersion, anomaly.ofRolloutStep()
                ? rolloutFailure(anomaly, deployment) + " and now takes all traffic; " + evidence : evidence);
    }

    /** E.g. "canary 2.0.1 failed its analysis at step 2 (10% of traffic)"; steps counted from 1 for people. */
    static String rolloutFailure(Failure anomaly, TrackedDeployment deployment) {
        Integer index = anomaly.rolloutStep() != null ? anomaly.rolloutStep() : deployment.rolloutStep;
        String step = index != null && index >= 0 ? " at step " + (index + 1) : "";
        Integer weight = deployment.rolloutWeight;
        if ("blue-green".equals(deployment.rolloutStrategy)) {
            return "blue-green " + deployment.version + " failed its preview analysis" + step
                    + (weight == null || weight == 0 ? " (no traffic on it yet)" : " (" + weight + "% of traffic)");
        }
        return "canary " + deployment.version + " failed its analysis" + step
                + (weight != null ? " (" + weight + "% of traffic)" : "");
    }
}
