package dev.lifeguard.launcher.cli;

import static dev.lifeguard.launcher.cli.CliSupport.abbreviate;
import static dev.lifeguard.launcher.cli.CliSupport.describe;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** JSON calls to rollback-service for the policy and decision commands; an unreachable service is a clear error. */
final class RollbackServiceClient {

    /** Who acts, for rollback-service's record when the body does not say ({@code by}). */
    static final String USER_HEADER = "X-Lifeguard-User";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    RollbackServiceClient(String baseUrl) {
        this.baseUrl = CliSupport.baseUrl(RollbackCommand.ROLLBACK_URL_VARIABLE, baseUrl);
    }

    String baseUrl() {
        return baseUrl;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> delete(String path, String user) {
        return send(withUser(request(path), user).DELETE().build());
    }

    HttpResponse<String> put(String path, JsonNode body, String user) {
        return send(withUser(request(path), user).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    HttpResponse<String> post(String path, JsonNode body, String user) {
        return send(withUser(request(path), user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** The body as JSON; anything else is a failure naming what was asked. */
    static JsonNode json(HttpResponse<String> response) {
        try {
            return CliSupport.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CommandFailed("rollback-service answered something that is not JSON: "
                    + abbreviate(String.valueOf(response.body()), 200));
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
    }

    private static HttpRequest.Builder withUser(HttpRequest.Builder request, String user) {
        return user == null || user.isBlank() ? request : request.header(USER_HEADER, user);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CommandFailed("cannot reach rollback-service at " + baseUrl + " (" + describe(e)
                    + "). Is Lifeguard running (./lifeguard status)? Set " + RollbackCommand.ROLLBACK_URL_VARIABLE
                    + " to use another rollback-service.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailed("interrupted while asking rollback-service");
        }
    }
}
