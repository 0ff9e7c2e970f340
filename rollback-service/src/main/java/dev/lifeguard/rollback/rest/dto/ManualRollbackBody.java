package dev.lifeguard.rollback.rest.dto;

/**
 * {@code POST /api/v1/rollbacks}: roll the running deployment of {@code service} in {@code environment} back, for
 * {@code reason}, to {@code toVersion} (optional: the stable version by default). {@code requestedBy} (optional, and
 * only the token subject if given): who asks is the token subject.
 */
public record ManualRollbackBody(String service, String environment, String reason, String toVersion,
                                 String requestedBy) {
}
