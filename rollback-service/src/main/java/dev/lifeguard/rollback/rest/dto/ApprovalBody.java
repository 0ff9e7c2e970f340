package dev.lifeguard.rollback.rest.dto;

/**
 * {@code POST /api/v1/rollbacks/{id}/approve} and {@code /reject}: {@code by} (optional, else the
 * {@code X-Lifeguard-User} header, else "anonymous") and {@code reason} (required to reject).
 */
public record ApprovalBody(String by, String reason) {
}
