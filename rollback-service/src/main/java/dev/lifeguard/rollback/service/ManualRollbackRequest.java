package dev.lifeguard.rollback.service;

/**
 * A manual rollback as asked for, its fields checked for form by the caller.
 *
 * @param toVersion      the version to go back to; null for the stable version rollback-service knows
 * @param requestedBy    who asked: the token subject
 * @param idempotencyKey the request's {@code Idempotency-Key}; null when it had none
 */
public record ManualRollbackRequest(String service, String environment, String reason, String toVersion,
                                    String requestedBy, String idempotencyKey) {
}
