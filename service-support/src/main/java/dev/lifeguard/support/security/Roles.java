package dev.lifeguard.support.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lifeguard's four roles, read from a token's {@code groups} claim. Higher roles include lower ones, so endpoints
 * name only the least role they need: {@code admin} includes every role, {@code operator} and {@code ci} each include
 * {@code viewer}. {@code operator} does not include {@code ci}: people act on deployments, CI reports them.
 */
public final class Roles {

    /** Reads everything not team-owned, and the objects of its own teams. */
    public static final String VIEWER = "viewer";
    /** Reports deployments, test evidence and metrics. */
    public static final String CI = "ci";
    /** Manual rollbacks, approvals, rollout control, gate overrides; manages its own teams' objects. */
    public static final String OPERATOR = "operator";
    /** Targets, policies, analysis specs, any team's objects, the audit trail. */
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(VIEWER, CI, OPERATOR, ADMIN);

    private static final Map<String, Set<String>> INCLUDED = Map.of(
            ADMIN, Set.of(OPERATOR, CI, VIEWER),
            OPERATOR, Set.of(VIEWER),
            CI, Set.of(VIEWER),
            VIEWER, Set.of());

    private Roles() {
    }

    /** The roles {@code role} includes besides itself (none for a name that is not a Lifeguard role). */
    public static Set<String> includedIn(String role) {
        return INCLUDED.getOrDefault(role, Set.of());
    }
}
