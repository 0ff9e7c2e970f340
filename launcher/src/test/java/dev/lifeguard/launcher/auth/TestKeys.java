package dev.lifeguard.launcher.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One local key pair for the launcher's tests (an RSA key takes a moment to make), and what a service does with the
 * tokens the CLI sends: verify the signature with the public key, then read the claims.
 */
public final class TestKeys {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalKeys keys;

    private TestKeys() {
    }

    public static synchronized LocalKeys keys() {
        if (keys == null) {
            try {
                Path directory = Files.createTempDirectory("lifeguard-test-keys").resolve("keys");
                keys = LocalKeys.ensure(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keys;
    }

    /** Tokens signed with {@link #keys()}, as the CLI signs them against a local platform. */
    public static Credentials credentials() {
        return Credentials.signedWith(keys());
    }

    /** The claims of {@code Bearer <token>} once its RS256 signature verifies with {@code key}; fails otherwise. */
    public static JsonNode verifiedClaims(String authorization, RSAPublicKey key) {
        assertThat(authorization).as("Authorization header").startsWith("Bearer ");
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        assertThat(parts).hasSize(3);
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            assertThat(header.path("alg").asText()).isEqualTo("RS256");
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature verifies").isTrue();
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError("not a verifiable JWT: " + e, e);
        }
    }

    public static JsonNode verifiedClaims(String authorization) {
        return verifiedClaims(authorization, keys().publicKey());
    }

    /** The verified claims of the token of each request {@code server} received that matches {@code pattern}. */
    public static List<JsonNode> claimsOf(WireMockServer server, RequestPatternBuilder pattern) {
        List<JsonNode> claims = new ArrayList<>();
        for (LoggedRequest request : server.findAll(pattern)) {
            claims.add(verifiedClaims(request.getHeader("Authorization")));
        }
        assertThat(claims).as("requests matching " + pattern.build()).isNotEmpty();
        return claims;
    }

    /** Asserts that every such request carried a token for {@code subject} with exactly {@code role} and {@code teams}. */
    public static void assertBearer(WireMockServer server, RequestPatternBuilder pattern, String subject, String role,
                                    String... teams) {
        for (JsonNode claims : claimsOf(server, pattern)) {
            assertThat(claims.path("iss").asText()).isEqualTo(TokenMinter.ISSUER);
            assertThat(claims.path("sub").asText()).isEqualTo(subject);
            List<String> groups = new ArrayList<>();
            claims.path("groups").forEach(group -> groups.add(group.asText()));
            assertThat(groups).containsExactly(role);
            List<String> tokenTeams = new ArrayList<>();
            claims.path("teams").forEach(team -> tokenTeams.add(team.asText()));
            assertThat(tokenTeams).containsExactlyInAnyOrder(teams);
        }
    }
}
