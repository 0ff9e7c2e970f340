package dev.lifeguard.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/** What the commands that talk to Lifeguard's services share: URLs from the environment, problem+json, durations. */
final class CliSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private CliSupport() {
    }

    /** The first value that is set, trimmed; null when none is. */
    static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    /** An http(s) base URL without its trailing slash. */
    static String baseUrl(String variable, String url) {
        if (url == null || !url.matches("(?i)https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new IllegalArgumentException(variable + " must be an http(s) URL such as http://localhost:8083, not '"
                    + url + "'");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code 409 Conflict: <detail> (field: toVersion)} from a problem+json body, else the status and the body. */
    static String problem(HttpResponse<String> response) {
        JsonNode problem;
        try {
            problem = JSON.readTree(response.body());
        } catch (IOException e) {
            problem = null;
        }
        if (problem == null || !problem.isObject() || !problem.has("detail")) {
            String body = response.body() == null ? "" : response.body().strip();
            return response.statusCode() + (body.isEmpty() ? "" : ": " + abbreviate(body, 500));
        }
        String title = problem.path("title").asText("");
        String field = problem.path("field").asText("");
        return response.statusCode() + (title.isEmpty() ? "" : " " + title) + ": " + problem.path("detail").asText()
                + (field.isEmpty() ? "" : " (field: " + field + ")");
    }

    static String describe(IOException e) {
        return e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.getClass().getSimpleName();
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 || millis >= 10_000 ? (millis / 1000) + " s"
                : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** Waits between polls of a command line tool (never in tests' assertions). */
    static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
    }
}
