package dev.lifeguard.rollback.policy.stableversion;

import dev.lifeguard.rollback.DeploymentStatus;
import dev.lifeguard.rollback.TrackedDeployment;
import dev.lifeguard.rollback.event.AnomalyDetectedEvent;
import dev.lifeguard.rollback.policy.RollbackPolicy;
import dev.lifeguard.rollback.policy.Verdict;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Rolls a misbehaving deployment back to the stable version deploy-service named for it, as long as it
 * still runs. Anything else is skipped: rolling back what no longer runs (rolled back already, or replaced by
 * a newer deployment), or without a known-good target, would only make things worse.
 */
@ApplicationScoped
@Identifier(RollBackToStableVersionPolicy.NAME)
public class RollBackToStableVersionPolicy implements RollbackPolicy {

    public static final String NAME = "stable-version";

    @Override
    public Verdict decide(AnomalyDetectedEvent anomaly, TrackedDeployment deployment) {
        String evidence = anomaly.evidence();
        if (deployment == null) {
            return Verdict.skip("anomaly for unknown deployment " + anomaly.deploymentId() + "; " + evidence);
        }
        if (anomaly.afterRollback()) {
            // Never make things worse: a rollback is not rolled back again automatically; people decide.
            return Verdict.skip("the version rollback " + anomaly.rollbackId() + " restored failed its analysis after"
                    + " that rollback: no further automatic rollback, the team must decide; " + evidence);
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
        return Verdict.rollBackTo(deployment.stableVersion, evidence);
    }
}
