package dev.lifeguard.launcher.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the CLI's tokens come from: LIFEGUARD_TOKEN as it is, else signed with the local key, renewed as they age. */
class CredentialsTest {

    @Test
    void lifeguardTokenIsSentAsItIsForEveryRoleAndItsSubjectIsTheActor() {
        String token = TestKeys.credentials().token("frank", Roles.OPERATOR);
        Credentials credentials = Credentials.fromEnvironment(Map.of("LIFEGUARD_TOKEN", " " + token + " "),
                Path.of("/nonexistent"));

        assertThat(credentials.givenToken()).isTrue();
        assertThat(credentials.token("someone", Roles.ADMIN)).isEqualTo(token);
        assertThat(credentials.actor("--by", null, "bob")).isEqualTo("frank");
        assertThat(credentials.actor("--by", "frank", "bob")).isEqualTo("frank");
        assertThatThrownBy(() -> credentials.actor("--by", "mallory", "bob"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("with LIFEGUARD_TOKEN set, the actor is that token's subject (frank)");
    }

    @Test
    void withoutItTheLocalKeySignsOneForTheRoleAndTheActorIsTheFlagElseTheUser(@TempDir Path home) {
        LocalKeys keys = LocalKeys.ensure(home.resolve("keys"));
        Credentials credentials = Credentials.fromEnvironment(Map.of(), keys.directory());

        assertThat(credentials.givenToken()).isFalse();
        assertThat(TestKeys.verifiedClaims(credentials.authorization("bob", Roles.CI, "payments"), keys.publicKey())
                .path("groups").get(0).asText()).isEqualTo("ci");
        assertThat(credentials.actor("--by", "carol", "bob")).isEqualTo("carol");
        assertThat(credentials.actor("--by", null, "bob")).isEqualTo("bob");
        assertThat(credentials.actor("--by", null, null)).isEqualTo(Credentials.DEFAULT_SUBJECT);
    }

    @Test
    void withoutTokenAndWithoutLocalKeysTheCallSaysHowToGetOne(@TempDir Path home) {
        Credentials credentials = Credentials.fromEnvironment(Map.of(), home.resolve("keys"));

        assertThatThrownBy(() -> credentials.token("bob", Roles.VIEWER))
                .isInstanceOf(Credentials.NoCredentials.class)
                .hasMessageContaining("set LIFEGUARD_TOKEN")
                .hasMessageContaining("./lifeguard up");
    }

    @Test
    void aSignedTokenIsReusedUntilThreeQuartersOfItsLifetimeThenRenewed() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        Credentials credentials = Credentials.signedWith(TestKeys.keys(), clock);

        String first = credentials.token("bob", Roles.VIEWER);
        now.set(now.get().plus(Duration.ofMinutes(44)));
        assertThat(credentials.token("bob", Roles.VIEWER)).isEqualTo(first);
        assertThat(credentials.token("bob", Roles.OPERATOR)).isNotEqualTo(first);
        now.set(now.get().plus(Duration.ofMinutes(2)));
        String renewed = credentials.token("bob", Roles.VIEWER);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(TestKeys.verifiedClaims("Bearer " + renewed).path("exp").asLong())
                .isEqualTo(now.get().plus(Duration.ofHours(1)).getEpochSecond());
    }

    @Test
    void onlyRefusalsOfTheTokenAreExplained() {
        Credentials credentials = TestKeys.credentials();

        assertThat(credentials.explainRefusal(404, "s", "404", Roles.VIEWER)).isNull();
        assertThat(credentials.explainRefusal(403, "deploy-service POST /x", "403 Forbidden", Roles.OPERATOR,
                "payments")).contains("refused (403 Forbidden) the launcher's token with the role operator for team payments",
                "the platform's own objects (no team) need admin", "./lifeguard token --role operator --team payments");
        assertThat(Credentials.given(credentials.token("erin", Roles.VIEWER)).explainRefusal(403, "deploy-service POST /x",
                "403 Forbidden", Roles.OPERATOR)).contains("this needs the role operator (roll back",
                "LIFEGUARD_TOKEN is subject erin, groups [viewer], teams []", "./lifeguard token --role operator");
        assertThat(credentials.explainRefusal(401, "deploy-service GET /x", "401", Roles.VIEWER))
                .contains("missing, expired, or not signed by a key the service trusts");
    }
}
