package dev.lifeguard.deploy.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

import static dev.lifeguard.testsupport.AdminApi.given;

/**
 * What a CI system does to call the webhook: build a CDEvent, sign it (computed here independently of the
 * service's own signature code), POST it. Sources and secrets match application.properties' %test profile.
 */
final class CiWebhookFixtures {

    static final String PATH = "/api/v1/ci/events";
    static final String SOURCE = "ci-test";
    static final String SECRET = "ci-test-secret";
    static final String OTHER_SOURCE = "other-ci";
    static final String OTHER_SECRET = "other-ci-secret";

    private CiWebhookFixtures() {
    }

    /** A bare CDEvent service.deployed of {@code service} at {@code version} in {@code environment}, timed now. */
    static ObjectNode bareDeployment(String eventId, String service, String environment, String version) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.putObject("context").put("specversion", "0.5.1").put("id", eventId).put("source", "/ci/test")
                .put("type", "dev.cdevents.service.deployed.0.3.0")
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode subject = event.putObject("subject").put("id", service).put("source", "/ci/test");
        ObjectNode content = subject.putObject("content");
        content.putObject("environment").put("id", environment);
        content.put("artifactId", "pkg:generic/" + service + "@" + version);
        event.putObject("customData").put("team", "payments").put("commit", "0123abc")
                .put("changeUrl", "https://git.example.com/shop/commit/0123abc");
        return event;
    }

    /** The same deployment as a structured-mode CloudEvent. */
    static ObjectNode structuredDeployment(String eventId, String service, String environment, String version) {
        ObjectNode data = bareDeployment(eventId, service, environment, version);
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("specversion", "1.0").put("id", eventId).put("source", "/ci/test")
                .put("type", "dev.cdevents.service.deployed.0.3.0").put("subject", service)
                .put("time", data.at("/context/timestamp").asText()).put("datacontenttype", "application/json");
        event.set("data", data);
        return event;
    }

    /** {@code X-Lifeguard-Signature} for a body sent at {@code at}: t=<seconds>,v1=<hex HMAC(secret, t.body)>. */
    static String lifeguardSignature(String secret, Instant at, String body) {
        long seconds = at.getEpochSecond();
        return "t=" + seconds + ",v1=" + hmacHex(secret, seconds + "." + body);
    }

    /** GitHub's {@code X-Hub-Signature-256}: sha256=<hex HMAC(secret, body)>. */
    static String githubSignature(String secret, String body) {
        return "sha256=" + hmacHex(secret, body);
    }

    static String hmacHex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request signed now by the test source. */
    static RequestSpecification signed(String body) {
        return io.restassured.RestAssured.given().contentType("application/json").header("X-Lifeguard-Source", SOURCE)
                .header("X-Lifeguard-Signature", lifeguardSignature(SECRET, Instant.now(), body)).body(body);
    }

    static Response post(String body) {
        return signed(body).post(PATH);
    }

    static long count(DataSource dataSource, String sql, String parameter) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows the webhook wrote about an event: its delivery records and its outbox rows. */
    static long recorded(DataSource dataSource, String eventId) {
        return count(dataSource, "SELECT count(*) FROM ci_webhook_delivery WHERE event_id = ?", eventId)
                + count(dataSource, "SELECT count(*) FROM outbox_event WHERE event_id = ?", eventId);
    }
}
