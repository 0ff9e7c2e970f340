package dev.lifeguard.deploy.executor.support;

import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.support.net.OutboundCallException;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.PinnedHttpClient;
import dev.lifeguard.support.net.RejectedUrlException;
import dev.lifeguard.support.net.UnresolvableHostException;
import dev.lifeguard.support.net.VettedUrl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * HTTP for the executors that call a platform's API. Before each call the URL is vetted by an
 * {@link OutboundUrlGuard} (SSRF: what its host resolves to may have changed since it was configured), and the call
 * goes through service-support's {@link PinnedHttpClient} to exactly the vetted addresses: no second DNS lookup, no
 * redirects (a redirect could lead past the guard and would carry the Authorization header to wherever it points),
 * bounded answers. Every failure to get an answer becomes a {@link TransientExecutionException} whose message holds
 * no URL path and no credential; a refused URL an {@link ExecutionFailedException}.
 */
public final class ExecutorHttp {

    private static final int EXCERPT_LENGTH = 200;

    private final PinnedHttpClient client;
    private final OutboundUrlGuard guard;
    private final String urlLabel;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /**
     * @param urlLabel names the URL in refusals, e.g. {@code "webhook URL"}
     */
    public ExecutorHttp(PinnedHttpClient client, OutboundUrlGuard guard, String urlLabel, Duration connectTimeout,
                        Duration requestTimeout) {
        this.client = client;
        this.guard = guard;
        this.urlLabel = urlLabel;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** An answer: status, headers (names case-insensitive) and (at most the first bytes of) the body as UTF-8. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public boolean successful() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * Vets {@code url} and sends the request to the vetted addresses.
     *
     * @param what names the callee for people, e.g. {@code "webhook at https://deploy.example.com"}; no path, no
     *             credential
     * @throws TransientExecutionException when no answer came (connection refused or reset, a timeout, an
     *                                     interrupt) or the host does not resolve now
     * @throws ExecutionFailedException    when the guard refuses the URL
     */
    public Answer send(String method, String url, Map<String, String> headers, byte[] body, int maxBodyBytes,
                       String what) {
        VettedUrl vetted;
        try {
            vetted = guard.check(url);
        } catch (UnresolvableHostException e) {
            throw new TransientExecutionException(urlLabel + ": " + e.getMessage());
        } catch (RejectedUrlException e) {
            throw new ExecutionFailedException(urlLabel + " refused: " + e.getMessage());
        }
        try {
            PinnedHttpClient.Response response = client.send(vetted, new PinnedHttpClient.Request(method, headers,
                    body, connectTimeout, requestTimeout, maxBodyBytes));
            return new Answer(response.status(), response.headers(),
                    new String(response.body(), StandardCharsets.UTF_8));
        } catch (OutboundCallException e) {
            throw new TransientExecutionException(what + ": " + switch (e.kind()) {
                case CONNECT_TIMEOUT -> "no connection within " + seconds(connectTimeout);
                case TIMEOUT -> "no answer within " + seconds(requestTimeout);
                case CONNECT_FAILED -> "connection refused";
                case TLS, IO -> e.getMessage();
            });
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
}
