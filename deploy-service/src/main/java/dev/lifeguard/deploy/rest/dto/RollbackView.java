package dev.lifeguard.deploy.rest.dto;

import dev.lifeguard.deploy.Rollback;

import java.time.OffsetDateTime;

/** A rollback request and what deploy-service did with it: EXECUTED (by which executor) or SKIPPED, and why. */
public record RollbackView(String id, String deploymentId, String service, String environment, String fromVersion,
                           String toVersion, String reason, String outcome, String outcomeDetail, String executor,
                           OffsetDateTime requestedAt) {

    public static RollbackView of(Rollback rollback) {
        return new RollbackView(rollback.id, rollback.deploymentId, rollback.service, rollback.environment,
                rollback.fromVersion, rollback.toVersion, rollback.reason, rollback.outcome, rollback.outcomeDetail,
                rollback.executor, rollback.requestedAt);
    }
}
