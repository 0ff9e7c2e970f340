package dev.lifeguard.postmortem.rest.dto;

import java.util.List;

/**
 * A page of the audit trail, newest first. {@code next}: the {@code before} value that asks for the following page,
 * null when this page is the last.
 */
public record AuditPage(List<AuditEntryView> entries, String next) {
}
