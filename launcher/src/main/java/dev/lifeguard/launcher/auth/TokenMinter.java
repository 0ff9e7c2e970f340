package dev.lifeguard.launcher.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Signs the local platform's bearer tokens: a compact JWS, RS256 (SHA256withRSA), issuer {@value #ISSUER}, with
 * {@code sub} (who acts), {@code groups} (the one role) and {@code teams}, {@code iat}, {@code exp} and a {@code jti}.
 * The services verify them with the public key ({@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}) like any OIDC provider's.
 */
public final class TokenMinter {

    public static final String ISSUER = "lifeguard-local";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** A leaked local token is good for a day at most. */
    public static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** What a token says: who, with which role, for which teams, for how long. */
    public record Grant(String subject, String role, Set<String> teams, Duration ttl) {

        public Grant {
            if (subject == null || !NAME.matcher(subject).matches()) {
                throw new IllegalArgumentException("the subject must be 1-128 letters, digits or . _ @ + -, not '"
                        + subject + "'");
            }
            if (!Roles.ALL.contains(role)) {
                throw new IllegalArgumentException("unknown role '" + role + "': one of " + String.join(", ", Roles.ALL));
            }
            teams = Set.copyOf(new LinkedHashSet<>(teams));
            for (String team : teams) {
                if (!NAME.matcher(team).matches()) {
                    throw new IllegalArgumentException("a team must be 1-128 letters, digits or . _ @ + -, not '"
                            + team + "'");
                }
            }
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("the lifetime must be more than 0 and at most 24h, not " + ttl);
            }
        }

        public static Grant of(String subject, String role, String... teams) {
            return new Grant(subject, role, Set.of(teams), DEFAULT_TTL);
        }
    }

    private TokenMinter() {
    }

    /** The signed token, valid from {@code now} for the grant's lifetime. */
    public static String mint(PrivateKey key, Grant grant, Instant now) {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", ISSUER)
                .put("sub", grant.subject())
                .put("iat", now.getEpochSecond())
                .put("exp", now.plus(grant.ttl()).getEpochSecond())
                .put("jti", UUID.randomUUID().toString());
        claims.putArray("groups").add(grant.role());
        ArrayNode teams = claims.putArray("teams");
        grant.teams().stream().sorted().forEach(teams::add);
        String signingInput = encode(header.toString()) + "." + encode(claims.toString());
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token with " + key.getAlgorithm() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A duration such as {@code 90s}, {@code 30m}, {@code 1h}, {@code 1h30m} or ISO-8601 {@code PT1H}, at most 24h.
     */
    public static Duration parseTtl(String text) {
        String value = text.trim();
        Duration ttl;
        try {
            if (value.toUpperCase(java.util.Locale.ROOT).startsWith("PT")) {
                ttl = Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
            } else if (value.matches("(\\d+h)?(\\d+m)?(\\d+s)?") && !value.isEmpty()) {
                ttl = Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT));
            } else {
                throw new IllegalArgumentException();
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--ttl must be a duration such as 30m, 1h or 8h (at most 24h), not '"
                    + text + "'");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most 24h, not '" + text + "'");
        }
        return ttl;
    }

    /** The claims of a token, unverified: to show who a token speaks for, never to trust it. */
    public static ObjectNode claims(String token) {
        List<String> parts = List.of(token.split("\\.", -1));
        if (parts.size() != 3) {
            throw new IllegalArgumentException("not a JWT (header.claims.signature)");
        }
        try {
            return (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts.get(1)));
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JWT: its claims are not base64url JSON");
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
