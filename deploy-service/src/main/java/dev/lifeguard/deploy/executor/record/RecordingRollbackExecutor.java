package dev.lifeguard.deploy.executor.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records the rollback in deploy-service's state without touching a platform: for local use and the demo, and the
 * default until a target chooses a real executor.
 */
@ApplicationScoped
@Identifier(RecordingRollbackExecutor.NAME)
public class RecordingRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "record";

    private static final Logger LOG = Logger.getLogger(RecordingRollbackExecutor.class);

    @Override
    public ObjectNode validate(ObjectNode settings) {
        if (settings.size() > 0) {
            throw new InvalidExecutorSettingsException(settings.fieldNames().next(), "the record executor has no settings");
        }
        return settings;
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        LOG.infof("Rollback %s: %s/%s %s -> %s recorded (no platform executor configured)",
                plan.rollbackId(), plan.service(), plan.environment(), plan.fromVersion(), plan.toVersion());
        return ExecutionOutcome.done("recorded " + plan.service() + "/" + plan.environment() + " back to "
                + plan.toVersion() + " (no platform was changed)");
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        LOG.infof("Rollout step %s: %s/%s %s %s%s recorded (no platform executor configured)", step.stepId(),
                step.service(), step.environment(), step.action().wireName(), step.version(),
                step.action() == StepAction.SET_WEIGHT ? " at " + step.weight() + "%" : "");
        return ExecutionOutcome.done("recorded " + step.action().wireName() + " of " + step.service() + "/"
                + step.environment() + " " + step.version() + (step.action() == StepAction.SET_WEIGHT
                ? " at " + step.weight() + "%" : "") + " (no platform was changed)");
    }
}
