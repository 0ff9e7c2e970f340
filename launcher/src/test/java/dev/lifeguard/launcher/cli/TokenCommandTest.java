package dev.lifeguard.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.LocalKeys;
import dev.lifeguard.launcher.auth.TestKeys;
import dev.lifeguard.launcher.platform.PlatformSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./lifeguard token}: only the token on standard output, signed with the home's key, made if missing. */
class TokenCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void itPrintsATokenThatVerifiesWithTheHomesPublicKey(@TempDir Path home) {
        TokenCommand command = command(home, "bob");

        int code = command.run(List.of("--role", "operator", "--team", "payments", "--team", "search", "--ttl", "8h",
                "--subject", "alice"));

        assertThat(code).isZero();
        String token = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(token.lines()).hasSize(1);
        LocalKeys keys = LocalKeys.load(home.resolve("keys")).orElseThrow();
        JsonNode claims = TestKeys.verifiedClaims("Bearer " + token, keys.publicKey());
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("groups").toString()).isEqualTo("[\"operator\"]");
        assertThat(claims.path("teams").toString()).isEqualTo("[\"payments\",\"search\"]");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(8 * 3600);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("token for alice: role operator, teams payments,"
                + " search, valid until 2026-12-03T18:00:00Z").doesNotContain(token).doesNotContain(keys.secretsKey());
    }

    @Test
    void theSubjectIsTheUserAndTheKeysAreKeptForTheNextToken(@TempDir Path home) throws Exception {
        assertThat(command(home, "bob").run(List.of("--role=viewer"))).isZero();
        byte[] privateKey = Files.readAllBytes(home.resolve("keys").resolve(LocalKeys.PRIVATE_KEY_FILE));
        String first = out.toString(StandardCharsets.UTF_8).strip();
        out.reset();

        assertThat(command(home, "bob").run(List.of("--role", "viewer"))).isZero();

        assertThat(Files.readAllBytes(home.resolve("keys").resolve(LocalKeys.PRIVATE_KEY_FILE))).isEqualTo(privateKey);
        LocalKeys keys = LocalKeys.load(home.resolve("keys")).orElseThrow();
        for (String token : List.of(first, out.toString(StandardCharsets.UTF_8).strip())) {
            JsonNode claims = TestKeys.verifiedClaims("Bearer " + token, keys.publicKey());
            assertThat(claims.path("sub").asText()).isEqualTo("bob");
            assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
        }
    }

    @Test
    void anUnknownRoleAMissingRoleOrTooLongALifetimeIsAUsageErrorAndPrintsNoToken(@TempDir Path home) {
        assertThat(command(home, "bob").run(List.of("--role", "root"))).isEqualTo(TokenCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ unknown role 'root': one of viewer, ci, operator, admin");
        assertThat(command(home, "bob").run(List.of("--team", "payments"))).isEqualTo(TokenCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ missing --role");
        assertThat(command(home, "bob").run(List.of("--role", "admin", "--ttl", "48h"))).isEqualTo(TokenCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at most 24h");
        assertThat(command(home, "bob").run(List.of("--role", "admin", "--role", "viewer"))).isEqualTo(TokenCommand.USAGE);
        assertThat(command(home, "bob").run(List.of("--role", "admin", "--colour", "red"))).isEqualTo(TokenCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("✗ unknown option --colour");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(home.resolve("keys")).doesNotExist();
    }

    @Test
    void keysCreatesThemAndSaysWhereButNeverPrintsThem(@TempDir Path home) {
        PlatformSettings settings = PlatformSettings.defaults(Path.of("/repo")).withHome(home);

        int code = TokenCommand.fromEnvironment(Map.of("USER", "bob"), settings, stream(out), stream(err)).keys();

        assertThat(code).isZero();
        LocalKeys keys = LocalKeys.load(settings.keysDirectory()).orElseThrow();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(keys.publicKeyFile().toString(),
                keys.privateKeyFile().toString(), LocalKeys.SECRETS_ENV_FILE).doesNotContain(keys.secretsKey());
    }

    private TokenCommand command(Path home, String user) {
        return new TokenCommand(home.resolve("keys"), user, stream(out), stream(err), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
