package dev.lifeguard.support.security;

import dev.lifeguard.support.rest.Problem;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-principal limits on mutating requests (POST, PUT, PATCH, DELETE): a token bucket of
 * {@code lifeguard.security.rate-limit.requests} per {@code period} for each token subject, refilled evenly. Over the
 * limit: 429 problem+json with {@code Retry-After} in whole seconds. Buckets live in each instance's memory, so with
 * N instances behind a balancer a principal gets up to N times the limit; reads are not limited (they change nothing
 * and the database pool bounds them). Unauthenticated requests are not counted here: they get their 401 anyway.
 */
@ApplicationScoped
public class RateLimits {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final SecurityConfig.RateLimit config;
    private final CurrentIdentityAssociation identities;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Inject
    public RateLimits(SecurityConfig config, CurrentIdentityAssociation identities) {
        this(config, identities, Clock.systemUTC());
    }

    RateLimits(SecurityConfig config, CurrentIdentityAssociation identities, Clock clock) {
        this.config = config.rateLimit();
        this.identities = identities;
        this.clock = clock;
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request) {
        if (!MUTATING.contains(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().map(identity -> {
            if (identity.isAnonymous()) {
                return null;
            }
            long waitMillis = take(identity.getPrincipal().getName());
            return waitMillis == 0 ? null : tooMany(waitMillis);
        });
    }

    /** 0 when {@code principal} may go on, else the milliseconds until its next request is allowed. */
    long take(String principal) {
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(principal, key -> new Bucket(config.requests(), now));
        synchronized (bucket) {
            double perMilli = config.requests() / (double) config.period().toMillis();
            bucket.tokens = Math.min(config.requests(), bucket.tokens + (now - bucket.refilledAt) * perMilli);
            bucket.refilledAt = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perMilli));
        }
    }

    private Response tooMany(long waitMillis) {
        long seconds = Math.max(1, Duration.ofMillis(waitMillis).toSeconds() + (waitMillis % 1000 == 0 ? 0 : 1));
        Problem problem = new Problem("about:blank", "Too Many Requests", 429,
                "more than " + config.requests() + " changes per " + config.period().toSeconds()
                        + " s from this principal; try again in " + seconds + " s", null);
        return Response.status(429).header("Retry-After", seconds).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
