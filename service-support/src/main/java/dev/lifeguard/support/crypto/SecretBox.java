package dev.lifeguard.support.crypto;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Encrypts secrets at rest (webhook URLs, executor tokens and signing secrets) with AES-256-GCM under the key in
 * {@code lifeguard.secrets.key} (32 bytes, base64; every instance of a service needs the same key; {@code ./lifeguard
 * up} generates one under {@code .lifeguard/keys/}). A sealed value reads {@code sealed:v1:<base64(iv|ciphertext)>},
 * so a column can hold values sealed before and plain ones written before encryption existed ({@link #open} returns
 * those as they are, and the next write seals them).
 */
@ApplicationScoped
@Unremovable // JPA attribute converters look it up at run time; no injection point keeps it at build time
public class SecretBox {

    static final String PREFIX = "sealed:v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKeySpec> key;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public SecretBox(@ConfigProperty(name = "lifeguard.secrets.key") Optional<String> base64Key) {
        this.key = base64Key.filter(value -> !value.isBlank()).map(SecretBox::keyOf);
    }

    private static SecretKeySpec keyOf(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("lifeguard.secrets.key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("lifeguard.secrets.key must be 32 bytes (base64 of 32 random bytes), not "
                    + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** {@code plain} sealed, or null for null. Without a configured key, refuses: a secret is never stored plain. */
    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        SecretKeySpec secretKey = key.orElseThrow(() -> new IllegalStateException(
                "lifeguard.secrets.key is not set: secrets cannot be stored (set it to base64 of 32 random bytes)"));
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, secretKey, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not seal a secret: " + e.getClass().getSimpleName());
        }
    }

    /** The plain text of a sealed value; a value that is not sealed (written before encryption) as it is. */
    public String open(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        SecretKeySpec secretKey = key.orElseThrow(() -> new IllegalStateException(
                "lifeguard.secrets.key is not set: a sealed secret cannot be read"));
        try {
            byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, secretKey, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed secret does not open with lifeguard.secrets.key"
                    + " (another key, or a damaged value)");
        }
    }

    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }
}
