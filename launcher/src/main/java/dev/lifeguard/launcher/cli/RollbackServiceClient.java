package dev.lifeguard.launcher.cli;

import static dev.lifeguard.launcher.cli.CliSupport.abbreviate;
import static dev.lifeguard.launcher.cli.CliSupport.describe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.launcher.auth.Credentials;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * JSON calls to rollback-service for the policy and decision commands, each with a bearer token for the role it
 * needs; an unreachable service, and a refused token (401 / 403: what is needed, how to get it), are clear errors.
 */
final class RollbackServiceClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** Who calls, with which role and for which teams: what the token says. */
    record As(String subject, String role, String... teams) {
    }

    private final String baseUrl;
    private final Credentials credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    RollbackServiceClient(String baseUrl, Credentials credentials) {
        this.baseUrl = CliSupport.baseUrl(RollbackCommand.ROLLBACK_URL_VARIABLE, baseUrl);
        this.credentials = credentials;
    }

    String baseUrl() {
        return baseUrl;
    }

    HttpResponse<String> get(String path, As as) {
        return send(request(path, as).GET().build(), as);
    }

    HttpResponse<String> delete(String path, As as) {
        return send(request(path, as).DELETE().build(), as);
    }

    HttpResponse<String> put(String path, JsonNode body, As as) {
        return send(request(path, as).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(), as);
    }

    HttpResponse<String> post(String path, JsonNode body, As as) {
        return send(request(path, as).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), as);
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

    private HttpRequest.Builder request(String path, As as) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", credentials.authorization(as.subject(), as.role(), as.teams()));
    }

    private HttpResponse<String> send(HttpRequest request, As as) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CommandFailed("cannot reach rollback-service at " + baseUrl + " (" + describe(e)
                    + "). Is Lifeguard running (./lifeguard status)? Set " + RollbackCommand.ROLLBACK_URL_VARIABLE
                    + " to use another rollback-service.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailed("interrupted while asking rollback-service");
        }
        String refused = credentials.explainRefusal(response.statusCode(), "rollback-service " + request.method() + " "
                + request.uri().getRawPath(), CliSupport.problem(response), as.role(), as.teams());
        if (refused != null) {
            throw new CommandFailed(refused);
        }
        return response;
    }
}
