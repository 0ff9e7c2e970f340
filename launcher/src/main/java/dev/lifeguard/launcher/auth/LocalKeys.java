package dev.lifeguard.launcher.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The local platform's signing keys in {@code <home>/keys/}: an RSA key pair that signs the tokens
 * {@code ./lifeguard token} and the CLI mint (the services verify them with the public half), and the key the
 * services seal secrets at rest with. Created once by {@code ./lifeguard up} and kept across runs: a new pair would
 * invalidate every token handed out, a new secrets key every sealed secret in the databases.
 *
 * <p>The directory is {@code rwx------} and the private key and the secrets key {@code rw-------}: on a shared
 * machine no other user may sign tokens or read the sealed secrets. Nothing here ever prints a key.
 */
public final class LocalKeys {

    public static final String PRIVATE_KEY_FILE = "jwt-private.pem";
    public static final String PUBLIC_KEY_FILE = "jwt-public.pem";
    public static final String SECRETS_KEY_FILE = "secrets.key";
    /** {@code LIFEGUARD_SECRETS_KEY=<base64>}, for {@code docker compose}'s {@code env_file}. */
    public static final String SECRETS_ENV_FILE = "secrets.env";
    public static final String SECRETS_KEY_VARIABLE = "LIFEGUARD_SECRETS_KEY";

    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final int RSA_BITS = 2048;
    private static final int SECRETS_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String secretsKey;

    private LocalKeys(Path directory, RSAPrivateCrtKey privateKey, RSAPublicKey publicKey, String secretsKey) {
        this.directory = directory;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.secretsKey = secretsKey;
    }

    /**
     * The keys in {@code directory}, created where missing (the directory too); permissions are set (again) to
     * owner-only on every call, so a key copied in with looser ones is tightened. Two launchers racing to create
     * them end with one set: each file is written aside and moved into place only if it is still absent.
     */
    public static LocalKeys ensure(Path directory) {
        try {
            createOwnerOnlyDirectory(directory);
            Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
            if (!Files.exists(privateFile)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(RSA_BITS, RANDOM);
                writeOnce(privateFile, pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()),
                        OWNER_ONLY_FILE);
            }
            RSAPrivateCrtKey privateKey = readPrivateKey(privateFile);
            RSAPublicKey publicKey = publicKeyOf(privateKey);
            Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
            String publicPem = pem("PUBLIC KEY", publicKey.getEncoded());
            // derived from the private key every time: a public key left from another pair would verify nothing
            if (!Files.exists(publicFile) || !Files.readString(publicFile, StandardCharsets.US_ASCII).equals(publicPem)) {
                replace(publicFile, publicPem, READABLE_FILE);
            }
            Path secretsFile = directory.resolve(SECRETS_KEY_FILE);
            if (!Files.exists(secretsFile)) {
                byte[] key = new byte[SECRETS_KEY_BYTES];
                RANDOM.nextBytes(key);
                writeOnce(secretsFile, Base64.getEncoder().encodeToString(key) + "\n", OWNER_ONLY_FILE);
            }
            String secretsKey = readSecretsKey(secretsFile);
            Path envFile = directory.resolve(SECRETS_ENV_FILE);
            String env = SECRETS_KEY_VARIABLE + "=" + secretsKey + "\n";
            if (!Files.exists(envFile) || !Files.readString(envFile, StandardCharsets.US_ASCII).equals(env)) {
                replace(envFile, env, OWNER_ONLY_FILE);
            }
            for (Path secret : new Path[] {privateFile, secretsFile, envFile}) {
                restrict(secret, OWNER_ONLY_FILE);
            }
            return new LocalKeys(directory, privateKey, publicKey, secretsKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local keys in " + directory + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the local keys in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The keys in {@code directory} when {@code ./lifeguard up} (or {@link #ensure}) made them; never creates any. */
    public static Optional<LocalKeys> load(Path directory) {
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        Path secretsFile = directory.resolve(SECRETS_KEY_FILE);
        if (!Files.isRegularFile(privateFile) || !Files.isRegularFile(secretsFile)) {
            return Optional.empty();
        }
        try {
            RSAPrivateCrtKey privateKey = readPrivateKey(privateFile);
            return Optional.of(new LocalKeys(directory, privateKey, publicKeyOf(privateKey), readSecretsKey(secretsFile)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local keys in " + directory + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(privateFile + " is not an RSA private key in PEM (PKCS#8): "
                    + e.getMessage(), e);
        }
    }

    public Path directory() {
        return directory;
    }

    public RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** What the services verify tokens with: {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION}. */
    public Path publicKeyFile() {
        return directory.resolve(PUBLIC_KEY_FILE);
    }

    public Path privateKeyFile() {
        return directory.resolve(PRIVATE_KEY_FILE);
    }

    /** Base64 of 32 random bytes: the services' {@code LIFEGUARD_SECRETS_KEY}. */
    public String secretsKey() {
        return secretsKey;
    }

    /** Never the keys themselves: this object ends up in logs and assertion messages. */
    @Override
    public String toString() {
        return "LocalKeys[" + directory + "]";
    }

    private static RSAPrivateCrtKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        byte[] der = fromPem(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file);
        if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey key)) {
            throw new GeneralSecurityException("not an RSA key with its public exponent");
        }
        return key;
    }

    /** Public keys parsed from PEM, e.g. to verify a token in a test the way a service does. */
    public static RSAPublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        byte[] der = fromPem(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file);
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    private static RSAPublicKey publicKeyOf(RSAPrivateCrtKey key) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    }

    private static String readSecretsKey(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            decoded = new byte[0];
        }
        if (decoded.length != SECRETS_KEY_BYTES) {
            throw new IOException(file + " must hold base64 of " + SECRETS_KEY_BYTES + " bytes");
        }
        return key;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] fromPem(String pem, String type, Path file) throws GeneralSecurityException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException(file + " holds no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, attributes(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException raced) {
                // another launcher made it first
            }
        }
        restrict(directory, OWNER_ONLY_DIRECTORY);
    }

    /**
     * Writes {@code content} unless the file exists by then; a file made meanwhile by another launcher wins. A hard
     * link never replaces its target (a rename would), so exactly one of two racing launchers' files stays.
     */
    private static void writeOnce(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
        Path aside = writeAside(file, content, permissions);
        try {
            Files.createLink(file, aside);
        } catch (FileAlreadyExistsException raced) {
            // the other launcher's file stays
        } catch (UnsupportedOperationException noHardLinks) {
            try {
                Files.move(aside, file);
            } catch (FileAlreadyExistsException raced) {
                // the other launcher's file stays
            }
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    private static void replace(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
        Path aside = writeAside(file, content, permissions);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A temporary file next to {@code file}, created with its final permissions: never readable by others. */
    private static Path writeAside(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
        Path aside = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", attributes(permissions));
        Files.writeString(aside, content, StandardCharsets.US_ASCII);
        return aside;
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
