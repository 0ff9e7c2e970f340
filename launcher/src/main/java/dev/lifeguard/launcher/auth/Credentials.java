package dev.lifeguard.launcher.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where the launcher's calls to the services get their bearer token: {@code LIFEGUARD_TOKEN} when it is set (a token
 * from your identity provider, or one {@code ./lifeguard token} printed), else a token the launcher signs with the
 * local platform's key ({@code <home>/keys/}) for exactly the role the call needs, as the person running it.
 * Minted tokens are kept until three quarters of their lifetime, so that long runs (the demo, the reliability suite,
 * the benchmark) never send an expired one.
 */
public final class Credentials {

    public static final String TOKEN_VARIABLE = "LIFEGUARD_TOKEN";
    /** Who acts in a token the launcher signs when neither a flag nor {@code LIFEGUARD_USER} / {@code USER} says. */
    public static final String DEFAULT_SUBJECT = "local-user";

    private final String givenToken;
    private final Supplier<Optional<LocalKeys>> keys;
    private final Path keysDirectory;
    private final Clock clock;
    private final Map<TokenMinter.Grant, Minted> minted = new ConcurrentHashMap<>();

    private record Minted(String token, Instant renewAt) {
    }

    private Credentials(String givenToken, Supplier<Optional<LocalKeys>> keys, Path keysDirectory, Clock clock) {
        this.givenToken = givenToken;
        this.keys = keys;
        this.keysDirectory = keysDirectory;
        this.clock = clock;
    }

    /** {@code LIFEGUARD_TOKEN} when set, else the keys in {@code keysDirectory} (read when first needed). */
    public static Credentials fromEnvironment(Map<String, String> environment, Path keysDirectory) {
        String token = environment.get(TOKEN_VARIABLE);
        if (token != null && !token.isBlank()) {
            return new Credentials(token.strip(), Optional::empty, keysDirectory, Clock.systemUTC());
        }
        return new Credentials(null, () -> LocalKeys.load(keysDirectory), keysDirectory, Clock.systemUTC());
    }

    /** Tokens signed with these keys: for what the launcher runs against a platform it started. */
    public static Credentials signedWith(LocalKeys keys) {
        return signedWith(keys, Clock.systemUTC());
    }

    static Credentials signedWith(LocalKeys keys, Clock clock) {
        return new Credentials(null, () -> Optional.of(keys), keys.directory(), clock);
    }

    /** Always this token, whatever the call needs. */
    public static Credentials given(String token) {
        return new Credentials(token, Optional::empty, null, Clock.systemUTC());
    }

    /** Whether the token comes from {@code LIFEGUARD_TOKEN}: then its subject, not a flag, says who acts. */
    public boolean givenToken() {
        return givenToken != null;
    }

    /** The subject of {@code LIFEGUARD_TOKEN} (unverified: for messages), or null when the launcher signs. */
    public String givenSubject() {
        if (givenToken == null) {
            return null;
        }
        try {
            ObjectNode claims = TokenMinter.claims(givenToken);
            return claims.path("sub").asText(claims.path("preferred_username").asText("?"));
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    /**
     * Who acts: with {@code LIFEGUARD_TOKEN} its subject (a flag naming someone else is refused: the services take
     * the actor from the token), else the flag, else {@code fallback}, else {@value #DEFAULT_SUBJECT}.
     *
     * @param flag the command's flag, e.g. {@code --by}, for the message
     */
    public String actor(String flag, String named, String fallback) {
        if (givenToken != null) {
            if (named != null && !named.isBlank() && !named.equals(givenSubject())) {
                throw new IllegalArgumentException(flag + " " + named + ": with " + TOKEN_VARIABLE + " set, the actor is"
                        + " that token's subject (" + givenSubject() + "); unset " + TOKEN_VARIABLE + " to let the CLI"
                        + " sign a token for " + named + " with the local key");
            }
            return givenSubject();
        }
        for (String candidate : new String[] {named, fallback}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return DEFAULT_SUBJECT;
    }

    /** The bearer token (without {@code Bearer }) for a call that needs {@code role}, as {@code subject}. */
    public String token(String subject, String role, String... teams) {
        return token(new TokenMinter.Grant(subject, role, Set.of(teams), TokenMinter.DEFAULT_TTL));
    }

    public String token(TokenMinter.Grant grant) {
        if (givenToken != null) {
            return givenToken;
        }
        Instant now = clock.instant();
        Minted current = minted.get(grant);
        if (current != null && now.isBefore(current.renewAt())) {
            return current.token();
        }
        LocalKeys local = keys.get().orElseThrow(() -> new NoCredentials("no token to call Lifeguard's services with:"
                + " set " + TOKEN_VARIABLE + " to a bearer token (from your identity provider, or ./lifeguard token"
                + " --role " + grant.role() + " against a local platform), or start the local platform with"
                + " ./lifeguard up, which creates the signing key in " + keysDirectory));
        String token = TokenMinter.mint(local.privateKey(), grant, now);
        minted.put(grant, new Minted(token, now.plus(renewAfter(grant.ttl()))));
        return token;
    }

    /** {@code Bearer <token>} for the {@code Authorization} header. */
    public String authorization(String subject, String role, String... teams) {
        return "Bearer " + token(subject, role, teams);
    }

    /** A fresh-enough token on each call: for clients that outlive one token. */
    public Supplier<String> supplier(String subject, String role, String... teams) {
        TokenMinter.Grant grant = new TokenMinter.Grant(subject, role, Set.of(teams), TokenMinter.DEFAULT_TTL);
        return () -> token(grant);
    }

    /**
     * What to tell a person whose call a service refused with 401 or 403: what the call needs and how to get a token
     * with it. Null for any other status.
     *
     * @param refusal the service's answer, e.g. {@code 403 Forbidden: ...}
     */
    public String explainRefusal(int status, String service, String refusal, String neededRole, String... teams) {
        String teamFlags = teams.length == 0 ? "" : " --team " + String.join(" --team ", teams);
        String howToGet = "./lifeguard token --role " + neededRole + teamFlags + " (local platform), or a token from"
                + " your identity provider with " + neededRole + " in its groups";
        if (status == 401) {
            return service + " did not accept the token (" + refusal + "): it is missing, expired, or not signed by a"
                    + " key the service trusts. " + (givenToken()
                    ? "Renew " + TOKEN_VARIABLE + " (" + describe(givenToken) + "): " + howToGet + ", or unset it to"
                    + " let the launcher sign one with the local platform's key."
                    : "The launcher signed it with " + keysDirectory + "; does the service run with that key"
                    + " (./lifeguard down && ./lifeguard up), or set " + TOKEN_VARIABLE + ": " + howToGet + ".");
        }
        String scope = teams.length == 0 ? "" : " for team " + String.join(", ", teams);
        if (status == 403 && givenToken()) {
            return service + " refused (" + refusal + "): this needs the role " + neededRole + scope + " ("
                    + Roles.describe(neededRole) + "); " + TOKEN_VARIABLE + " is " + describe(givenToken)
                    + ". Get one with " + howToGet + ".";
        }
        if (status == 403) {
            // the launcher signed exactly the role the call needs: the refusal is about the object, or the build
            return service + " refused (" + refusal + ") the launcher's token with the role " + neededRole + scope
                    + " (" + Roles.describe(neededRole) + "): a team's object needs that role for its team (--team),"
                    + " the platform's own objects (no team) need admin, and a service built without this endpoint's"
                    + " role refuses everyone. To act with another token: " + howToGet + ", and export "
                    + TOKEN_VARIABLE + "=<it>.";
        }
        return null;
    }

    /** {@code subject alice, groups [operator], teams [payments], expired} - never the token itself. */
    static String describe(String token) {
        ObjectNode claims;
        try {
            claims = TokenMinter.claims(token);
        } catch (IllegalArgumentException e) {
            return "not a JWT";
        }
        Set<String> groups = new TreeSet<>();
        claims.path("groups").forEach(group -> groups.add(group.asText()));
        Set<String> teams = new TreeSet<>();
        JsonNode teamsClaim = claims.path("teams");
        if (teamsClaim.isArray()) {
            teamsClaim.forEach(team -> teams.add(team.asText()));
        } else if (teamsClaim.isTextual()) {
            teams.add(teamsClaim.asText());
        }
        String subject = claims.path("sub").asText(claims.path("preferred_username").asText("?"));
        boolean expired = claims.path("exp").canConvertToLong()
                && Instant.ofEpochSecond(claims.path("exp").asLong()).isBefore(Instant.now());
        return "subject " + subject + ", groups " + groups + ", teams " + teams + (expired ? ", expired" : "");
    }

    /** A call to the services without any token to send. */
    public static final class NoCredentials extends IllegalStateException {
        NoCredentials(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return givenToken != null ? "Credentials[" + TOKEN_VARIABLE + "]" : "Credentials[" + keysDirectory + "]";
    }

    /** How long a minted token is kept before a new one is signed. */
    static Duration renewAfter(Duration ttl) {
        return ttl.multipliedBy(3).dividedBy(4);
    }
}
