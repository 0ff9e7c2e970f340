package dev.lifeguard.deploy.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Lifeguard's request signature, {@code X-Lifeguard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * t + "." + body)>} (signed rollback webhooks, verified CI webhooks), and GitHub's {@code X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256(secret, body)>}. Comparisons are constant-time.
 */
public final class HmacSignature {

    public static final String HEADER = "X-Lifeguard-Signature";
    public static final String GITHUB_HEADER = "X-Hub-Signature-256";

    private HmacSignature() {
    }

    /** The {@value #HEADER} value for {@code body} sent at {@code at}. */
    public static String sign(String secret, Instant at, byte[] body) {
        long seconds = at.getEpochSecond();
        return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, signedPayload(seconds, body)));
    }

    /**
     * Checks a {@value #HEADER} value: well formed, signed with {@code secret}, and with a timestamp no further than
     * {@code window} from {@code now} (either way), so a captured request cannot be replayed later.
     *
     * @return null when valid, else why not (safe to show: it names no secret)
     */
    public static String verify(String header, String secret, byte[] body, Instant now, Duration window) {
        if (header == null || header.isBlank()) {
            return "the " + HEADER + " header is missing";
        }
        Long seconds = null;
        String signature = null;
        for (String part : header.split(",")) {
            String item = part.trim();
            if (item.startsWith("t=")) {
                try {
                    seconds = Long.parseLong(item.substring(2));
                } catch (NumberFormatException e) {
                    return "the " + HEADER + " timestamp is not a number of seconds";
                }
            } else if (item.startsWith("v1=") && signature == null) {
                signature = item.substring(3);
            }
        }
        if (seconds == null || signature == null) {
            return "the " + HEADER + " header must be t=<unix seconds>,v1=<hex>";
        }
        if (Math.abs(now.getEpochSecond() - seconds) > window.toSeconds()) {
            return "the " + HEADER + " timestamp is more than " + window.toMinutes() + " minutes from now";
        }
        byte[] expected = hmac(secret, signedPayload(seconds, body));
        return matches(expected, signature) ? null : "the " + HEADER + " signature does not match";
    }

    /** Checks GitHub's {@value #GITHUB_HEADER}: null when valid, else why not. */
    public static String verifyGitHub(String header, String secret, byte[] body) {
        if (header == null || !header.startsWith("sha256=")) {
            return "the " + GITHUB_HEADER + " header must be sha256=<hex>";
        }
        return matches(hmac(secret, body), header.substring(7)) ? null
                : "the " + GITHUB_HEADER + " signature does not match";
    }

    private static boolean matches(byte[] expected, String hex) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] signedPayload(long seconds, byte[] body) {
        byte[] prefix = (seconds + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, payload, 0, prefix.length);
        System.arraycopy(body, 0, payload, prefix.length, body.length);
        return payload;
    }

    private static byte[] hmac(String secret, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
