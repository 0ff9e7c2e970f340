package dev.lifeguard.deploy.executor.record;

import dev.lifeguard.deploy.executor.RollbackExecutor;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records the rollback in deploy-service's state without touching a platform: the default until a
 * real executor (Kubernetes, CD webhook) is configured.
 */
@ApplicationScoped
@Identifier(RecordingRollbackExecutor.NAME)
public class RecordingRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "record";

    private static final Logger LOG = Logger.getLogger(RecordingRollbackExecutor.class);

    @Override
    public String execute(RollbackPlan plan) {
        LOG.infof("Rollback %s: %s/%s %s -> %s recorded (no platform executor configured)",
                plan.rollbackId(), plan.service(), plan.environment(), plan.fromVersion(), plan.toVersion());
        return "recorded " + plan.service() + "/" + plan.environment() + " back to " + plan.toVersion();
    }
}
