package dev.lifeguard.rollback.rest.dto;

/**
 * {@code POST /api/v1/rollbacks/{id}/approve} and {@code /reject}: {@code by} (optional: if given, the token subject;
 * the token subject settles it) and {@code reason} (required to reject).
 */
public record ApprovalBody(String by, String reason) {
}
