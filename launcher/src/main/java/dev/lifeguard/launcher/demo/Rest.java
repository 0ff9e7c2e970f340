package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.launcher.auth.Credentials;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Minimal JSON-over-HTTP calls to the services, failing the demo with the service's answer on surprises
 * ({@link DemoFailure} also when a service cannot be reached). Also used by {@code ./lifeguard deploy}. A Rest made
 * with {@link #as} sends a bearer token for one subject and role, and a service refusing it (401 / 403) fails with
 * {@link Unauthorized}: what the call needs and how to get it.
 */
public final class Rest {

    public record Response(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** A call a service refused for its token; the message says what is needed and how to get it. */
    public static final class Unauthorized extends DemoFailure {
        Unauthorized(String message) {
            super(message);
        }
    }

    private final HttpClient client;
    private final Credentials credentials;
    private final String subject;
    private final String role;
    private final String[] teams;

    /** Without a token: for what needs none (the services' health, the demo's own receivers). */
    public Rest() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(), null, null, null);
    }

    private Rest(HttpClient client, Credentials credentials, String subject, String role, String... teams) {
        this.client = client;
        this.credentials = credentials;
        this.subject = subject;
        this.role = role;
        this.teams = teams;
    }

    /** The same client, each call with a token for {@code subject} in {@code role} (fresh: re-signed as it ages). */
    public Rest as(Credentials credentials, String subject, String role, String... teams) {
        credentials.token(subject, role, teams);
        return new Rest(client, credentials, subject, role, teams);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return credentials == null ? request
                : request.header("Authorization", credentials.authorization(subject, role, teams));
    }

    Response post(String url, Object body) {
        try {
            return send(authorized(HttpRequest.newBuilder(URI.create(url))).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new DemoFailure("POST " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** POSTs exactly {@code body} (a signature covers these bytes) with the given headers. */
    public Response post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(url))).timeout(TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    Response put(String url, Object body) {
        try {
            return send(authorized(HttpRequest.newBuilder(URI.create(url))).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new DemoFailure("PUT " + url + " failed: " + e.getMessage(), e);
        }
    }

    public Response get(String url, String accept) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url))).timeout(TIMEOUT).header("Accept", accept)
                .GET().build());
    }

    Response delete(String url) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url))).timeout(TIMEOUT).DELETE().build());
    }

    /** The JSON body of a response that must have the expected status. */
    static JsonNode expect(Response response, int status, String what) {
        if (response.status() != status) {
            throw new DemoFailure(what + " answered " + response.status() + " (expected " + status + "): "
                    + response.body());
        }
        return json(response.body());
    }

    public static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new DemoFailure("not JSON: " + body, e);
        }
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            // a 401 of the token carries WWW-Authenticate: Bearer; one of a signed webhook's signature does not
            boolean tokenRefused = response.statusCode() == 403 || (response.statusCode() == 401 && response.headers()
                    .firstValue("WWW-Authenticate").orElse("").regionMatches(true, 0, "Bearer", 0, 6));
            String refused = credentials == null || !tokenRefused ? null : credentials.explainRefusal(response.statusCode(),
                    request.method() + " " + request.uri(), response.statusCode() + " " + response.body(), role, teams);
            if (refused != null) {
                throw new Unauthorized(refused);
            }
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new DemoFailure(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
