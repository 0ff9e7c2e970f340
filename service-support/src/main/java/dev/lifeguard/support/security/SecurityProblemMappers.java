package dev.lifeguard.support.security;

import dev.lifeguard.support.rest.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 401 and 403 as problem+json. The detail says what to do, never why a token failed in detail (an attacker learns
 * nothing from "expired" versus "bad signature"); the server log has the reason at debug level.
 */
public class SecurityProblemMappers {

    static final String CHALLENGE = "Bearer realm=\"lifeguard\"";

    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized("this endpoint needs a bearer token (Authorization: Bearer <token>)");
    }

    @ServerExceptionMapper(priority = 1)
    public Response badToken(AuthenticationFailedException e) {
        return unauthorized("the bearer token is not valid: expired, not yet valid, from another issuer or badly signed");
    }

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e) {
        Problem problem = new Problem("about:blank", "Forbidden", 403,
                "your token's roles do not allow this; it needs a role that includes what the endpoint needs"
                        + " (viewer reads, ci reports, operator acts, admin configures)", null);
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Response unauthorized(String detail) {
        Problem problem = new Problem("about:blank", "Unauthorized", 401, detail, null);
        return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
