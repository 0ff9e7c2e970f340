package dev.lifeguard.support.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Lifeguard's own security settings; token verification itself is smallrye-jwt's ({@code mp.jwt.verify.*}). */
@ConfigMapping(prefix = "lifeguard.security")
public interface SecurityConfig {

    /** The token claim that lists the caller's teams. */
    @WithDefault("teams")
    String teamsClaim();

    RateLimit rateLimit();

    interface RateLimit {

        /** Mutating requests (POST, PUT, PATCH, DELETE) one principal may make per {@link #period()}, per instance. */
        @WithDefault("600")
        int requests();

        @WithDefault("1m")
        Duration period();
    }
}
