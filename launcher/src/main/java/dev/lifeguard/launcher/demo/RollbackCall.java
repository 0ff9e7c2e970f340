package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.launcher.webhook.WebhookReceiver;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The request deploy-service's {@code webhook} executor sent to the demo's rollback receiver, checked the way a
 * team's receiver checks it: {@code X-Lifeguard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
 * body)>} recomputed with the target's secret over the raw body, compared in constant time, and a timestamp no
 * further than {@link #WINDOW} from now.
 */
final class RollbackCall {

    static final String SIGNATURE_HEADER = "X-Lifeguard-Signature";
    static final Duration WINDOW = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookReceiver.Delivery delivery;
    private final JsonNode event;
    /** Null when the signature verifies, else why not. */
    private final String signatureProblem;

    private RollbackCall(WebhookReceiver.Delivery delivery, JsonNode event, String signatureProblem) {
        this.delivery = delivery;
        this.event = event;
        this.signatureProblem = signatureProblem;
    }

    static RollbackCall check(WebhookReceiver.Delivery delivery, String secret, Instant now) {
        JsonNode event;
        try {
            event = JSON.readTree(delivery.rawBody());
        } catch (IOException e) {
            event = null;
        }
        return new RollbackCall(delivery, event == null ? JSON.missingNode() : event,
                signatureProblem(delivery.header(SIGNATURE_HEADER).orElse(null), secret, delivery.rawBody(), now));
    }

    boolean signatureVerified() {
        return signatureProblem == null;
    }

    /** The rollback the request is about: its {@code Idempotency-Key}. */
    String rollbackId() {
        return delivery.idempotencyKey();
    }

    /** Whether it asks for a rollout step (canary weight, promote, abort) rather than a rollback. */
    boolean isRolloutStep() {
        return DemoEvent.text(event, "type").contains("lifeguard-rollout.");
    }

    /** {@code rollback webhook ← POST /rollback, Idempotency-Key <rollback id>}. */
    String title() {
        return (isRolloutStep() ? "deployment webhook ← " : "rollback webhook ← ") + delivery.method() + " " + delivery.path() + (delivery.repeated()
                ? " again (a retry: same Idempotency-Key)" : "") + ", Idempotency-Key "
                + (rollbackId().isEmpty() ? "(none)" : rollbackId());
    }

    /** The headers that matter, the verification's result and what the CloudEvent asks for. */
    List<String> details() {
        JsonNode content = event.at("/data/subject/content");
        List<String> lines = new ArrayList<>();
        lines.add("   Content-Type: " + delivery.header("Content-Type").orElse("(none)"));
        lines.add("   " + SIGNATURE_HEADER + ": " + delivery.header(SIGNATURE_HEADER).orElse("(none)"));
        lines.add(signatureVerified()
                ? "   signature verified with the target's secret: ok (HMAC-SHA256 of t + \".\" + body, t within "
                        + WINDOW.toMinutes() + " min)"
                : "   ✗✗✗ SIGNATURE DOES NOT VERIFY with the target's secret: " + signatureProblem + " ✗✗✗");
        if (isRolloutStep()) {
            lines.add("   CloudEvent " + DemoEvent.text(event, "type") + ": " + DemoEvent.text(content, "action")
                    + " " + DemoEvent.text(content, "service") + " " + DemoEvent.text(content, "version")
                    + ("set-weight".equals(content.path("action").asText()) ? " to " + DemoEvent.text(content, "weight")
                    + "% of traffic" : "") + " (stable " + DemoEvent.text(content, "stableVersion") + ", "
                    + DemoEvent.text(content, "strategy") + ")");
            return lines;
        }
        lines.add("   CloudEvent " + DemoEvent.text(event, "type") + ": roll " + DemoEvent.text(content, "service")
                + " in " + DemoEvent.text(content, "environment") + " back from failing "
                + DemoEvent.text(content, "fromVersion") + " to stable " + DemoEvent.text(content, "toVersion")
                + " (rollback " + DemoEvent.text(content, "rollbackId") + ")");
        lines.add("   reason: " + DemoEvent.text(content, "reason"));
        return lines;
    }

    /** Null when {@code header} signs {@code body} with {@code secret} within the window, else why not. */
    static String signatureProblem(String header, String secret, byte[] body, Instant now) {
        if (header == null || header.isBlank()) {
            return "no " + SIGNATURE_HEADER + " header";
        }
        String timestamp = null;
        String signature = null;
        for (String part : header.split(",")) {
            String item = part.trim();
            if (item.startsWith("t=") && timestamp == null) {
                timestamp = item.substring(2);
            } else if (item.startsWith("v1=") && signature == null) {
                signature = item.substring(3);
            }
        }
        if (timestamp == null || signature == null) {
            return "the header is not t=<unix seconds>,v1=<hex>";
        }
        long seconds;
        byte[] given;
        try {
            seconds = Long.parseLong(timestamp);
            given = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            return "the header is not t=<unix seconds>,v1=<hex>";
        }
        if (Math.abs(now.getEpochSecond() - seconds) > WINDOW.toSeconds()) {
            return "its timestamp t=" + seconds + " is more than " + WINDOW.toMinutes() + " minutes from now";
        }
        byte[] expected = hmacSha256(secret, (timestamp + ".").getBytes(StandardCharsets.US_ASCII), body);
        return MessageDigest.isEqual(expected, given) ? null
                : "HMAC-SHA256 of t + \".\" + body with the secret differs from v1";
    }

    static byte[] hmacSha256(String secret, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
