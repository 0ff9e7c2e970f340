package dev.lifeguard.launcher.auth;

import java.util.List;

/**
 * The roles the services know (service-support's {@code Roles}, repeated here: the launcher is a plain JVM without
 * the services' libraries). Higher roles include lower ones: admin ⊇ operator, ci ⊇ viewer; operator ⊇ viewer.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String CI = "ci";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    public static final List<String> ALL = List.of(VIEWER, CI, OPERATOR, ADMIN);

    private Roles() {
    }

    /** What a person with the role may do, for messages. */
    public static String describe(String role) {
        return switch (role) {
            case VIEWER -> "read";
            case CI -> "report deployments, test evidence and metrics";
            case OPERATOR -> "roll back, approve / reject, promote / pause / resume / abort / override; change its teams' objects";
            case ADMIN -> "everything, every team's objects and the platform's own";
            default -> "unknown";
        };
    }
}
