package dev.lifeguard.support.security;

import dev.lifeguard.support.rest.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Who is calling: the token's subject, its roles and its teams (the {@code teams} claim, or the claim named by
 * {@code lifeguard.security.teams-claim}). Team scope lives here: a team-owned object (a subscription, a policy, a
 * target, an analysis spec) is seen and managed only by its team's members and by admins; to anyone else it does not
 * exist (404), so its existence does not leak. An object without a team is the platform's: every viewer sees it, only
 * admins manage it.
 */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;
    private final SecurityConfig config;

    @Inject
    public Caller(SecurityIdentity identity, SecurityConfig config) {
        this.identity = identity;
        this.config = config;
    }

    /** The token's subject ({@code sub}, else its {@code upn} / {@code preferred_username}): who did it. */
    public String subject() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    public boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }

    /** The Lifeguard roles the caller holds, included ones too, sorted. */
    public Set<String> roles() {
        Set<String> roles = new TreeSet<>(identity.getRoles());
        roles.retainAll(Roles.ALL);
        return roles;
    }

    /** The caller's teams, from the token; empty for a token without the claim. */
    public Set<String> teams() {
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Set.of();
        }
        return teamsOf(token.getClaim(config.teamsClaim()));
    }

    /** Whether the caller may see an object owned by {@code team} (null: the platform's, seen by every viewer). */
    public boolean canSee(String team) {
        return team == null || isAdmin() || teams().contains(team);
    }

    /**
     * Requires that the caller may change an object owned by {@code team}: admins any; operators their own teams'
     * objects. Another team's object answers {@code notFound} (its existence does not leak); a platform object
     * (no team), or a caller who may see but not manage, answers 403.
     */
    public void requireCanManage(String team, Supplier<? extends RuntimeException> notFound) {
        if (!canSee(team)) {
            throw notFound.get();
        }
        if (isAdmin()) {
            return;
        }
        if (team == null) {
            throw forbidden("only an admin manages objects that belong to no team");
        }
        if (!hasRole(Roles.OPERATOR)) {
            throw forbidden("managing team '" + team + "' objects needs the operator role");
        }
    }

    /**
     * Requires that the caller may give an object to {@code team} ({@code field} names the request field): admins
     * any team or none; operators one of their own teams.
     */
    public void requireCanAssign(String team, String field) {
        if (isAdmin()) {
            return;
        }
        if (!hasRole(Roles.OPERATOR)) {
            throw forbidden("managing team objects needs the operator role");
        }
        if (team == null || team.isBlank()) {
            throw new ProblemException(403, "Forbidden",
                    "only an admin creates objects that belong to no team; set " + field + " to one of your teams "
                            + teams(), field);
        }
        if (!teams().contains(team)) {
            throw new ProblemException(403, "Forbidden",
                    "you may only assign your own teams " + teams() + ", not '" + team + "'", field);
        }
    }

    private static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail, null);
    }

    /** A teams claim as a JSON array, a collection, or one string of comma- or space-separated names. */
    public static Set<String> teamsOf(Object claim) {
        Set<String> teams = new LinkedHashSet<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString string) {
                    teams.add(string.getString());
                }
            }
        } else if (claim instanceof Collection<?> values) {
            values.forEach(value -> teams.add(String.valueOf(value)));
        } else if (claim instanceof JsonString string) {
            teams.addAll(Arrays.asList(string.getString().split("[,\\s]+")));
        } else if (claim instanceof String string) {
            teams.addAll(Arrays.asList(string.split("[,\\s]+")));
        }
        teams.removeIf(String::isBlank);
        return teams;
    }
}
