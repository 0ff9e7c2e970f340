package dev.lifeguard.support.audit;

import dev.lifeguard.support.security.Caller;
import dev.lifeguard.support.security.Roles;
import dev.lifeguard.support.security.SecurityConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

/**
 * Records every mutating REST call (POST, PUT, PATCH, DELETE under {@code /api/v1}), allowed or not, once its answer
 * is known: the caller, its roles and teams, the route ({@code POST /api/v1/rollbacks/{id}/approve}), the concrete
 * path as the target, the status and outcome, and the client's address. Recorded in its own transaction after the
 * call's own has committed (a refused call has none); if that fails (the database went away in between) the log line
 * in {@code lifeguard.audit} still has it. Request bodies are never recorded: they may carry secrets.
 */
@ApplicationScoped
public class AuditedRequests {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditTrail trail;
    private final CurrentIdentityAssociation identities;
    private final String teamsClaim;

    public AuditedRequests(AuditTrail trail, CurrentIdentityAssociation identities, SecurityConfig config) {
        this.trail = trail;
        this.identities = identities;
        this.teamsClaim = config.teamsClaim();
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response,
                            ResourceInfo resource, HttpServerRequest http) {
        String path = request.getUriInfo().getPath();
        if (!MUTATING.contains(request.getMethod()) || !path.startsWith("/api/v1/")) {
            return Uni.createFrom().voidItem();
        }
        String action = request.getMethod() + " " + route(resource, path);
        int status = response.getStatus();
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return identities.getDeferredIdentity()
                .onFailure().recoverWithItem((SecurityIdentity) null)
                .map(identity -> entry(identity, action, path, status, address))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(entry -> {
                    try {
                        QuarkusTransaction.requiringNew().run(() -> trail.record(entry));
                    } catch (RuntimeException e) {
                        AuditTrail.LOG.warnf("audit entry %s %s by %s not stored (%s); this log line is its record",
                                entry.action(), entry.target(), entry.actor(), e.getClass().getSimpleName());
                    }
                })
                .replaceWithVoid();
    }

    private AuditEntry entry(SecurityIdentity identity, String action, String path, int status, String address) {
        boolean anonymous = identity == null || identity.isAnonymous();
        Set<String> roles = new TreeSet<>();
        Set<String> teams = new TreeSet<>();
        if (!anonymous) {
            roles.addAll(identity.getRoles());
            roles.retainAll(Roles.ALL);
            if (identity.getPrincipal() instanceof JsonWebToken token) {
                teams.addAll(Caller.teamsOf(token.getClaim(teamsClaim)));
            }
        }
        return new AuditEntry(trail.service(), anonymous ? "anonymous" : identity.getPrincipal().getName(),
                anonymous ? "anonymous" : "user", roles, teams, action, path, AuditEntry.outcomeOf(status), status,
                null, address, AuditTrail.now());
    }

    /** The route template of the matched resource method, else the path itself. */
    private static String route(ResourceInfo resource, String path) {
        if (resource == null || resource.getResourceClass() == null || resource.getResourceMethod() == null) {
            return path;
        }
        Path classPath = resource.getResourceClass().getAnnotation(Path.class);
        Method method = resource.getResourceMethod();
        Path methodPath = method.getAnnotation(Path.class);
        String route = (classPath == null ? "" : classPath.value()) + (methodPath == null ? "" : methodPath.value());
        return route.isEmpty() ? path : route.replace("//", "/");
    }
}
