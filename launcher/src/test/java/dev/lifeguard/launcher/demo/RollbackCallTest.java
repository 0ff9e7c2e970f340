package dev.lifeguard.launcher.demo;

import dev.lifeguard.launcher.webhook.WebhookReceiver;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the demo prints about the rollback webhook's request, and its check of the signature. The requests are signed
 * here with javax.crypto, as deploy-service signs them: {@code t=<unix s>,v1=<hex HMAC-SHA256(secret, t.body)>}.
 */
class RollbackCallTest {

    private static final String SECRET = "3b9f1e0c5d7a4f62b8e1c9d0a7f35e21";
    private static final Instant NOW = Instant.parse("2026-11-26T10:01:24Z");
    private static final String EVENT = Examples.read("dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0");

    @Test
    void aRequestSignedWithTheTargetsSecretIsShownAsVerified() throws Exception {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        String signature = sign(SECRET, NOW.minusSeconds(1).getEpochSecond(), body);
        WebhookReceiver.Delivery delivery;
        // through a real receiver, so that what is verified is what came over the wire
        try (WebhookReceiver receiver = new WebhookReceiver(Demo.ROLLBACK_PATH)) {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(receiver.url()))
                    .header("Content-Type", "application/cloudevents+json")
                    .header("Idempotency-Key", "rollback-0004")
                    .header("X-Lifeguard-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(200);
            delivery = receiver.deliveries().get(0);
        }

        RollbackCall call = RollbackCall.check(delivery, SECRET, NOW);

        assertThat(call.signatureVerified()).isTrue();
        assertThat(call.rollbackId()).isEqualTo("rollback-0004");
        assertThat(call.title()).isEqualTo("rollback webhook ← POST /rollback, Idempotency-Key rollback-0004");
        assertThat(call.details()).containsExactly(
                "   Content-Type: application/cloudevents+json",
                "   X-Lifeguard-Signature: " + signature,
                "   signature verified with the target's secret: ok (HMAC-SHA256 of t + \".\" + body, t within 5 min)",
                "   CloudEvent dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0: roll checkout in production back from"
                        + " failing 2.0.0 to stable 1.0.0 (rollback rollback-0004)",
                "   reason: error_rate above 0.05 for 3 consecutive samples (0.21, 0.34, 0.4) on 2.0.0");
    }

    @Test
    void aChangedBodyDoesNotVerifyAndSaysSoLoudly() {
        long t = NOW.getEpochSecond();
        String signature = sign(SECRET, t, EVENT.getBytes(StandardCharsets.UTF_8));
        byte[] changed = EVENT.replace("\"toVersion\": \"1.0.0\"", "\"toVersion\": \"0.9.0\"")
                .getBytes(StandardCharsets.UTF_8);

        RollbackCall call = RollbackCall.check(delivery(changed, signature), SECRET, NOW);

        assertThat(call.signatureVerified()).isFalse();
        assertThat(call.details()).contains("   ✗✗✗ SIGNATURE DOES NOT VERIFY with the target's secret: HMAC-SHA256 of"
                + " t + \".\" + body with the secret differs from v1 ✗✗✗");
    }

    @Test
    void anotherSecretAnOldTimestampOrNoSignatureDoNotVerify() {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        long t = NOW.getEpochSecond();

        assertThat(RollbackCall.signatureProblem(sign("another secret", t, body), SECRET, body, NOW))
                .contains("differs from v1");
        assertThat(RollbackCall.signatureProblem(sign(SECRET, t - 301, body), SECRET, body, NOW))
                .isEqualTo("its timestamp t=" + (t - 301) + " is more than 5 minutes from now");
        assertThat(RollbackCall.signatureProblem(sign(SECRET, t + 301, body), SECRET, body, NOW))
                .contains("more than 5 minutes from now");
        assertThat(RollbackCall.signatureProblem(sign(SECRET, t - 300, body), SECRET, body, NOW)).isNull();
        assertThat(RollbackCall.signatureProblem(null, SECRET, body, NOW)).isEqualTo("no X-Lifeguard-Signature header");
        assertThat(RollbackCall.signatureProblem("v1=abcd", SECRET, body, NOW))
                .isEqualTo("the header is not t=<unix seconds>,v1=<hex>");
        assertThat(RollbackCall.signatureProblem("t=" + t + ",v1=not-hex", SECRET, body, NOW))
                .isEqualTo("the header is not t=<unix seconds>,v1=<hex>");
        // the signature covers the timestamp: the same v1 under another t is refused
        String v1 = sign(SECRET, t, body).substring(sign(SECRET, t, body).indexOf(",v1=") + 4);
        assertThat(RollbackCall.signatureProblem("t=" + (t - 1) + ",v1=" + v1, SECRET, body, NOW))
                .contains("differs from v1");
    }

    @Test
    void aRetryOfTheSameRollbackIsNamedAsSuch() {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        WebhookReceiver.Delivery retry = new WebhookReceiver.Delivery("POST", "/rollback",
                Map.of("idempotency-key", "rollback-0004", "x-lifeguard-signature",
                        sign(SECRET, NOW.getEpochSecond(), body)), body, true, NOW);

        RollbackCall call = RollbackCall.check(retry, SECRET, NOW);

        assertThat(call.signatureVerified()).isTrue();
        assertThat(call.title()).isEqualTo(
                "rollback webhook ← POST /rollback again (a retry: same Idempotency-Key), Idempotency-Key rollback-0004");
        assertThat(call.details().get(0)).isEqualTo("   Content-Type: (none)");
    }

    private static WebhookReceiver.Delivery delivery(byte[] body, String signature) {
        return new WebhookReceiver.Delivery("POST", "/rollback", Map.of("Content-Type", "application/cloudevents+json",
                "Idempotency-Key", "rollback-0004", "X-Lifeguard-Signature", signature), body, false, NOW);
    }

    private static String sign(String secret, long seconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((seconds + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
