package dev.lifeguard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Quarkus test resource: the service under test trusts {@link TestTokens}' key and issuer, and has a secrets key
 * ({@code lifeguard.secrets.key}) for what it stores encrypted.
 */
public class SecurityTestResource implements QuarkusTestResourceLifecycleManager {

    private static final String SECRETS_KEY_PROPERTY = "lifeguard.test.secrets-key";

    @Override
    public Map<String, String> start() {
        return Map.of(
                "mp.jwt.verify.publickey", TestTokens.publicKeyPem(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER,
                "lifeguard.secrets.key", secretsKey());
    }

    @Override
    public void stop() {
        // nothing runs
    }

    /** One key per JVM, so a service restarted within the run still opens what it sealed. */
    public static String secretsKey() {
        synchronized (System.getProperties()) {
            String key = System.getProperty(SECRETS_KEY_PROPERTY);
            if (key == null) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                key = Base64.getEncoder().encodeToString(bytes);
                System.setProperty(SECRETS_KEY_PROPERTY, key);
            }
            return key;
        }
    }
}
