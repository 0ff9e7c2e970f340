package dev.lifeguard.launcher.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The local keys: made once, kept, readable by their owner only, and a pair that belongs together. */
class LocalKeysTest {

    @Test
    void theyAreCreatedOnceWithOwnerOnlyPermissionsAndReusedAfterwards(@TempDir Path home) throws Exception {
        Path directory = home.resolve("keys");

        LocalKeys first = LocalKeys.ensure(directory);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.privateKeyFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                directory.resolve(LocalKeys.SECRETS_KEY_FILE)))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                directory.resolve(LocalKeys.SECRETS_ENV_FILE)))).isEqualTo("rw-------");
        assertThat(Files.readString(first.privateKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(first.publicKeyFile())).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Base64.getDecoder().decode(first.secretsKey())).hasSize(32);
        assertThat(Files.readString(directory.resolve(LocalKeys.SECRETS_ENV_FILE)))
                .isEqualTo("LIFEGUARD_SECRETS_KEY=" + first.secretsKey() + "\n");
        byte[] privatePem = Files.readAllBytes(first.privateKeyFile());

        LocalKeys again = LocalKeys.ensure(directory);
        LocalKeys loaded = LocalKeys.load(directory).orElseThrow();

        assertThat(Files.readAllBytes(again.privateKeyFile())).isEqualTo(privatePem);
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        assertThat(again.secretsKey()).isEqualTo(first.secretsKey());
        assertThat(loaded.publicKey()).isEqualTo(first.publicKey());
        assertThat(loaded.secretsKey()).isEqualTo(first.secretsKey());
        assertThat(LocalKeys.readPublicKey(first.publicKeyFile())).isEqualTo(first.publicKey());
        try (var files = Files.list(directory)) {
            assertThat(files.map(file -> file.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder(LocalKeys.PRIVATE_KEY_FILE, LocalKeys.PUBLIC_KEY_FILE,
                            LocalKeys.SECRETS_KEY_FILE, LocalKeys.SECRETS_ENV_FILE);
        }
    }

    @Test
    void looserPermissionsAreTightenedAndAMissingOrForeignPublicKeyIsDerivedFromThePrivateOne(@TempDir Path home)
            throws Exception {
        Path directory = home.resolve("keys");
        LocalKeys first = LocalKeys.ensure(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(first.privateKeyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(first.publicKeyFile(), Files.readString(TestKeys.keys().publicKeyFile()));

        LocalKeys again = LocalKeys.ensure(directory);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(again.privateKeyFile())))
                .isEqualTo("rw-------");
        assertThat(LocalKeys.readPublicKey(again.publicKeyFile())).isEqualTo(first.publicKey());

        Files.delete(again.publicKeyFile());
        assertThat(LocalKeys.readPublicKey(LocalKeys.ensure(directory).publicKeyFile())).isEqualTo(first.publicKey());
    }

    @Test
    void loadingNeverCreatesThem(@TempDir Path home) {
        assertThat(LocalKeys.load(home.resolve("keys"))).isEmpty();
        assertThat(home.resolve("keys")).doesNotExist();
    }

    @Test
    void theirDescriptionNamesTheDirectoryButNoKey(@TempDir Path home) throws Exception {
        LocalKeys keys = LocalKeys.ensure(home.resolve("keys"));

        assertThat(keys.toString()).contains(home.resolve("keys").toString()).doesNotContain(keys.secretsKey());
        String privatePem = Files.readString(keys.privateKeyFile(), StandardCharsets.US_ASCII);
        assertThat(keys.toString()).doesNotContain(privatePem.lines().skip(1).findFirst().orElseThrow());
    }
}
