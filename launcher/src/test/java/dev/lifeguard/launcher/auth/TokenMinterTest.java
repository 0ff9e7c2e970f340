package dev.lifeguard.launcher.auth;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tokens the launcher signs: RS256 that verifies with the public key, with the claims the services read. */
class TokenMinterTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void aMintedTokenVerifiesWithThePublicKeyAndCarriesWhoRoleTeamsAndLifetime() {
        String token = TokenMinter.mint(TestKeys.keys().privateKey(),
                new TokenMinter.Grant("alice", Roles.OPERATOR, Set.of("payments", "search"), Duration.ofMinutes(30)),
                NOW);

        JsonNode claims = TestKeys.verifiedClaims("Bearer " + token);

        assertThat(claims.path("iss").asText()).isEqualTo("lifeguard-local");
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("groups")).hasSize(1);
        assertThat(claims.path("groups").get(0).asText()).isEqualTo("operator");
        assertThat(claims.path("teams").toString()).isEqualTo("[\"payments\",\"search\"]");
        assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(claims.path("exp").asLong()).isEqualTo(NOW.plus(Duration.ofMinutes(30)).getEpochSecond());
        assertThat(claims.path("jti").asText()).isNotBlank();
    }

    @Test
    void aTokenSignedWithAnotherKeyDoesNotVerify(@TempDir Path home) {
        LocalKeys other = LocalKeys.ensure(home.resolve("keys"));
        String token = TokenMinter.mint(other.privateKey(), TokenMinter.Grant.of("mallory", Roles.ADMIN), NOW);

        assertThatThrownBy(() -> TestKeys.verifiedClaims("Bearer " + token))
                .isInstanceOf(AssertionError.class).hasMessageContaining("signature verifies");
    }

    @Test
    void unknownRolesLifetimesOverADayAndOddNamesAreRefused() {
        assertThatThrownBy(() -> TokenMinter.Grant.of("alice", "root"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'root': one of viewer, ci, operator, admin");
        assertThatThrownBy(() -> new TokenMinter.Grant("alice", Roles.VIEWER, Set.of(), Duration.ofHours(25)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 24h");
        assertThatThrownBy(() -> new TokenMinter.Grant("alice", Roles.VIEWER, Set.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenMinter.Grant.of("alice\"}", Roles.VIEWER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject");
        assertThatThrownBy(() -> TokenMinter.Grant.of("alice", Roles.VIEWER, "pay ments"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("team");
    }

    @Test
    void lifetimesAreReadLikePeopleWriteThem() {
        assertThat(TokenMinter.parseTtl("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TokenMinter.parseTtl("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(TokenMinter.parseTtl("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(TokenMinter.parseTtl("PT8H")).isEqualTo(Duration.ofHours(8));
        assertThat(TokenMinter.parseTtl("24h")).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> TokenMinter.parseTtl("25h")).hasMessageContaining("at most 24h");
        assertThatThrownBy(() -> TokenMinter.parseTtl("0m")).hasMessageContaining("more than 0");
        assertThatThrownBy(() -> TokenMinter.parseTtl("soon")).hasMessageContaining("such as 30m");
        assertThatThrownBy(() -> TokenMinter.parseTtl("-1h")).isInstanceOf(IllegalArgumentException.class);
    }
}
