package dev.lifeguard.deploy.executor.support;

import dev.lifeguard.deploy.executor.TransientExecutionException;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP for the executors that call a platform's API: the JDK client, no redirects (a redirect could lead past the
 * outbound URL guard, and would carry the Authorization header to wherever it points), bounded answers, and every
 * failure to get an answer turned into a {@link TransientExecutionException} whose message holds no URL path and
 * no credential.
 */
public final class ExecutorHttp {

    private static final int EXCERPT_LENGTH = 200;

    private ExecutorHttp() {
    }

    /** An answer: status, headers and (at most the first {@code maxBodyBytes} of) the body as UTF-8. */
    public record Answer(int status, HttpHeaders headers, String body) {

        public boolean successful() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Sends {@code request} (which carries its own response timeout).
     *
     * @param what names the callee for people, e.g. {@code "webhook at https://deploy.example.com"}; no path, no
     *             credential
     * @throws TransientExecutionException when no answer came: connection refused or reset, a timeout, an
     *                                     interrupt
     */
    public static Answer send(HttpClient client, HttpRequest request, int maxBodyBytes, String what) {
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(maxBodyBytes), StandardCharsets.UTF_8);
            }
            return new Answer(response.statusCode(), response.headers(), body);
        } catch (HttpConnectTimeoutException e) {
            throw new TransientExecutionException(what + ": no connection within "
                    + client.connectTimeout().map(ExecutorHttp::seconds).orElse("the connect timeout"));
        } catch (HttpTimeoutException e) {
            throw new TransientExecutionException(what + ": no answer within "
                    + request.timeout().map(ExecutorHttp::seconds).orElse("the timeout"));
        } catch (ConnectException e) {
            throw new TransientExecutionException(what + ": connection refused");
        } catch (IOException e) {
            throw new TransientExecutionException(what + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientExecutionException(what + ": interrupted while waiting for an answer");
        }
    }

    /** Worth asking again later: 408 Request Timeout, 429 Too Many Requests, any 5xx. */
    public static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** The start of an answer's body on one line, with {@code secrets} blanked out, for a {@code detail}. */
    public static String excerpt(String body, String... secrets) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = scrub(body, secrets).replaceAll("\\s+", " ").strip();
        return line.length() <= EXCERPT_LENGTH ? line : line.substring(0, EXCERPT_LENGTH) + "…";
    }

    /** {@code text} with every occurrence of each non-blank secret replaced by {@code ***}. */
    public static String scrub(String text, String... secrets) {
        if (text == null) {
            return null;
        }
        String scrubbed = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                scrubbed = scrubbed.replace(secret, "***");
            }
        }
        return scrubbed;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** The JDK client often puts the useful words on a cause, not on the exception; messages name no path. */
    private static String describe(Throwable failure) {
        String message = null;
        for (Throwable cause = failure; cause != null && message == null; cause = cause.getCause()) {
            message = cause.getMessage();
        }
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
