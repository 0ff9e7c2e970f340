package dev.lifeguard.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * ({@link DemoFailure} also when a service cannot be reached). Also used by {@code ./lifeguard deploy}.
 */
public final class Rest {

    public record Response(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Response post(String url, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new DemoFailure("POST " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** POSTs exactly {@code body} (a signature covers these bytes) with the given headers. */
    public Response post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    Response put(String url, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new DemoFailure("PUT " + url + " failed: " + e.getMessage(), e);
        }
    }

    public Response get(String url, String accept) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", accept).GET().build());
    }

    Response delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).DELETE().build());
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
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new DemoFailure(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
