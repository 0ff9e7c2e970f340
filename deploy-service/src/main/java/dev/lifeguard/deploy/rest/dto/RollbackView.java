package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.Rollback;
import dev.lifeguard.deploy.service.RollbackExecutions;

import java.time.OffsetDateTime;

/**
 * A rollback request and its execution: {@code outcome} EXECUTING, EXECUTED, ACCEPTED (waiting for completion at
 * {@code completeUrl}), FAILED or SKIPPED, with {@code outcomeDetail} saying what happened.
 */
public record RollbackView(String id, String deploymentId, String service, String environment, String fromVersion,
                           String toVersion, String reason, String outcome, String outcomeDetail, String executor,
                           int attempts, OffsetDateTime nextAttemptAt, String reportedBy, String restoredDeploymentId,
                           String completeUrl, OffsetDateTime requestedAt, OffsetDateTime finishedAt) {

    public static RollbackView of(Rollback rollback) {
        return new RollbackView(rollback.id, rollback.deploymentId, rollback.service, rollback.environment,
                rollback.fromVersion, rollback.toVersion, rollback.reason, rollback.outcome, rollback.outcomeDetail,
                rollback.executor, rollback.attempts, rollback.nextAttemptAt, rollback.reportedBy,
                rollback.restoredDeploymentId, rollback.isOpen() ? RollbackExecutions.completePath(rollback.id) : null,
                rollback.requestedAt, rollback.finishedAt);
    }
}
