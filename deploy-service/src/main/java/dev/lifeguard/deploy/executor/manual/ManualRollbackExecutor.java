package dev.lifeguard.deploy.executor.manual;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.service.RollbackExecutions;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A person rolls back: the request is recorded and accepted at once, the team is told what to do (the
 * {@code lifeguard-rollback.accepted} event notify-service turns into a message), and the rollback completes when CI
 * reports {@code service.rolledback} or someone calls {@code POST /api/v1/rollbacks/{id}/complete}. For platforms
 * Lifeguard cannot reach, and for teams that want a human to press the button.
 */
@ApplicationScoped
@Identifier(ManualRollbackExecutor.NAME)
public class ManualRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "manual";

    @Override
    public ObjectNode validate(ObjectNode settings) {
        settings.fieldNames().forEachRemaining(name -> {
            if (!"instructions".equals(name)) {
                throw new InvalidExecutorSettingsException(name, "the manual executor knows only 'instructions'");
            }
        });
        if (settings.has("instructions") && (!settings.get("instructions").isTextual()
                || settings.get("instructions").asText().length() > 1000)) {
            throw new InvalidExecutorSettingsException("instructions", "'instructions' must be text of at most 1000 characters");
        }
        return settings;
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        String instructions = settings.hasNonNull("instructions") ? " " + settings.get("instructions").asText() : "";
        return ExecutionOutcome.accepted("manual rollback: roll " + plan.service() + " back to " + plan.toVersion()
                + " in " + plan.environment() + " by hand, then report it with POST "
                + RollbackExecutions.completePath(plan.rollbackId()) + " (or let CI send service.rolledback)."
                + instructions);
    }
}
