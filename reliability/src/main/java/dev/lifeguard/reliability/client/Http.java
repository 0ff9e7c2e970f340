package dev.lifeguard.reliability.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * JSON over HTTP to the services. A call that gets no answer (refused, reset, timed out: the instance was killed
 * or the database is frozen) is an empty result, never an exception: under fault injection that is normal, and
 * the caller decides whether to retry. A client made {@link #as} a caller sends its bearer token with every call
 * (a fresh one: the supplier renews it as it ages).
 */
public final class Http {

    /** An answer: status and body. */
    public record Response(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public JsonNode json() {
            return Json.read(body);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Supplier<String> token;

    /** Without a token: for what needs none (health). */
    public Http(Duration timeout) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), timeout, null);
    }

    private Http(HttpClient client, Duration timeout, Supplier<String> token) {
        this.client = client;
        this.timeout = timeout;
        this.token = token;
    }

    /** The same client, each call with {@code Authorization: Bearer <token>}. */
    public Http as(Supplier<String> bearerToken) {
        return new Http(client, timeout, bearerToken);
    }

    public Optional<Response> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", "application/json")
                .GET().build());
    }

    public Optional<Response> post(String url, String json) {
        return send(postRequest(url, json).build());
    }

    /** A POST a client may retry safely: every attempt carries the same {@code Idempotency-Key}. */
    public Optional<Response> post(String url, String json, String idempotencyKey) {
        return send(postRequest(url, json).header("Idempotency-Key", idempotencyKey).build());
    }

    /** A PUT of a JSON body (a whole resource, e.g. a decision policy): safe to repeat. */
    public Optional<Response> put(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    private HttpRequest.Builder postRequest(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }

    public Optional<Response> delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).DELETE().build());
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Optional<Response> send(HttpRequest unauthorized) {
        HttpRequest request = token == null ? unauthorized
                : HttpRequest.newBuilder(unauthorized, (name, value) -> true)
                        .header("Authorization", "Bearer " + token.get()).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Response(response.statusCode(), response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
