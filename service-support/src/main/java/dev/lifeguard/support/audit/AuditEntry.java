package dev.lifeguard.support.audit;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * One line of the audit trail: who (a token's subject, or {@code service:<name>} for an automatic action), with which
 * roles and teams, did what ({@code action}: an HTTP method and route, or a named automatic action) to which
 * {@code target}, when, and how it ended.
 *
 * @param actorKind {@code user} (a token's subject), {@code service} (an automatic action) or {@code anonymous}
 * @param outcome   {@code succeeded}, {@code refused} (4xx), {@code unauthenticated}, {@code forbidden},
 *                  {@code not-found}, {@code rate-limited} or {@code failed} (5xx); automatic actions name their own
 * @param status    the HTTP status of a request, null for an automatic action
 * @param detail    one line for people; never a secret, never a request body
 */
public record AuditEntry(String service, String actor, String actorKind, Set<String> roles, Set<String> teams,
                         String action, String target, String outcome, Integer status, String detail,
                         String sourceAddress, OffsetDateTime at) {

    public static String outcomeOf(int status) {
        if (status < 400) {
            return "succeeded";
        }
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 429 -> "rate-limited";
            default -> status >= 500 ? "failed" : "refused";
        };
    }
}
