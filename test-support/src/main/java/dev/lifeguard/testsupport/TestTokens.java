package dev.lifeguard.testsupport;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Signed bearer tokens for tests, verified by the services exactly as production tokens are (smallrye-jwt, RS256).
 * The key pair is made once per JVM and kept in system properties, because Quarkus loads test classes and test
 * resources through different class loaders, and both must sign and verify with the same pair.
 * {@link SecurityTestResource} configures the application under test with the public half.
 */
public final class TestTokens {

    public static final String ISSUER = "lifeguard-test";
    public static final String ADMIN_SUBJECT = "test-admin";

    private static final String PRIVATE_PROPERTY = "lifeguard.test.jwt.private-key";
    private static final String PUBLIC_PROPERTY = "lifeguard.test.jwt.public-key";
    private static final String STRANGER_PROPERTY = "lifeguard.test.jwt.stranger-key";

    private TestTokens() {
    }

    /** A token for {@code subject} with {@code roles} (the groups claim) and {@code teams}, valid for an hour. */
    public static String token(String subject, Set<String> roles, Set<String> teams) {
        return sign(subject, roles, teams, Instant.now().plus(Duration.ofHours(1)), privateKey(PRIVATE_PROPERTY));
    }

    /** {@code test-<role>} with that role and {@code teams}. */
    public static String forRole(String role, String... teams) {
        return token("test-" + role, Set.of(role), Set.copyOf(Arrays.asList(teams)));
    }

    /** {@code test-admin}, role admin, no team: what functional tests call with. */
    public static String admin() {
        return token(ADMIN_SUBJECT, Set.of("admin"), Set.of());
    }

    /** Expired ten minutes ago (beyond any clock-skew allowance). */
    public static String expired(String role, String... teams) {
        return sign("test-" + role, Set.of(role), Set.copyOf(Arrays.asList(teams)),
                Instant.now().minus(Duration.ofMinutes(10)), privateKey(PRIVATE_PROPERTY));
    }

    /** Right issuer and claims, signed by a key the services do not trust. */
    public static String badlySigned(String role, String... teams) {
        return sign("test-" + role, Set.of(role), Set.copyOf(Arrays.asList(teams)),
                Instant.now().plus(Duration.ofHours(1)), privateKey(STRANGER_PROPERTY));
    }

    /** A RestAssured request carrying {@code token}. */
    public static RequestSpecification as(String token) {
        return RestAssured.given().auth().oauth2(token);
    }

    /** The public key, PEM, for {@code mp.jwt.verify.publickey}. */
    public static String publicKeyPem() {
        keys();
        String base64 = System.getProperty(PUBLIC_PROPERTY);
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----";
    }

    public static PublicKey publicKey() {
        keys();
        try {
            return KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(System.getProperty(PUBLIC_PROPERTY))));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(String subject, Set<String> roles, Set<String> teams, Instant expiresAt, PrivateKey key) {
        return Jwt.issuer(ISSUER)
                .subject(subject)
                .upn(subject)
                .groups(roles)
                .claim("teams", List.copyOf(teams))
                .issuedAt(expiresAt.minus(Duration.ofHours(1)))
                .expiresAt(expiresAt)
                .sign(key);
    }

    private static PrivateKey privateKey(String property) {
        keys();
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(System.getProperty(property))));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the JVM's trusted pair and a stranger's private key once; the system properties are the lock. */
    private static void keys() {
        synchronized (System.getProperties()) {
            if (System.getProperty(PRIVATE_PROPERTY) != null) {
                return;
            }
            KeyPair trusted = generate();
            System.setProperty(PUBLIC_PROPERTY, Base64.getEncoder().encodeToString(trusted.getPublic().getEncoded()));
            System.setProperty(STRANGER_PROPERTY, Base64.getEncoder().encodeToString(generate().getPrivate().getEncoded()));
            System.setProperty(PRIVATE_PROPERTY, Base64.getEncoder().encodeToString(trusted.getPrivate().getEncoded()));
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
