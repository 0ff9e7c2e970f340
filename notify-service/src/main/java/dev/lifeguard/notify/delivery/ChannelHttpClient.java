package dev.lifeguard.notify.delivery;

import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.config.NotifyConfig;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * POSTs a message to a channel. Each channel origin (scheme, host, port) has its own SmallRye Fault
 * Tolerance guard, a timeout inside a circuit breaker: annotations would give one breaker for all hosts,
 * and one team's dead webhook must not stop everyone's Slack. Only timeouts, connection errors and 5xx
 * count against a host; retrying is the worker's job, so a delivery can wait in the database, not in memory.
 * Redirects are not followed: they could lead past the {@code ChannelUrlGuard}.
 */
@ApplicationScoped
public class ChannelHttpClient {

    private static final int ERROR_BODY_EXCERPT = 300;

    private final NotifyConfig.Delivery config;
    private final HttpClient http;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    public ChannelHttpClient(NotifyConfig config) {
        this.config = config.delivery();
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Never throws: every failure becomes an outcome whose error text holds no secret part of the URL. */
    public HttpOutcome post(ChannelUrl url, String body, Map<String, String> headers) {
        Guard guard = guards.computeIfAbsent(url.origin(), this::newGuard);
        try {
            return guard.call(() -> send(url, body, headers), HttpOutcome.class);
        } catch (ServerError e) {
            return e.outcome;
        } catch (CircuitBreakerOpenException e) {
            return HttpOutcome.noResponse("circuit breaker open for " + url.masked() + " after repeated failures");
        } catch (TimeoutException e) {
            // The timeout interrupted this thread to stop the call; the worker's next database work must not see it.
            Thread.interrupted();
            return HttpOutcome.noResponse("no response within " + config.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpOutcome.noResponse("interrupted");
        } catch (Exception e) {
            return HttpOutcome.noResponse(url.redact(describe(e)));
        }
    }

    /** The JDK client often puts the useful words ("Connection refused") on a cause, not on the exception. */
    private static String describe(Throwable failure) {
        String message = null;
        for (Throwable cause = failure; cause != null && message == null; cause = cause.getCause()) {
            message = cause.getMessage();
        }
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private HttpOutcome send(ChannelUrl url, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url.uri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String excerpt;
        try (InputStream in = response.body()) {
            excerpt = new String(in.readNBytes(ERROR_BODY_EXCERPT), StandardCharsets.UTF_8);
        }
        Duration retryAfter = HttpOutcome.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null),
                Instant.now());
        HttpOutcome outcome = HttpOutcome.response(response.statusCode(), retryAfter, url.redact(excerpt));
        if (response.statusCode() >= 500) {
            throw new ServerError(outcome);
        }
        return outcome;
    }

    private Guard newGuard(String origin) {
        NotifyConfig.CircuitBreaker breaker = config.circuitBreaker();
        return Guard.create()
                .withDescription("channel " + origin)
                .withTimeout().duration(config.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withCircuitBreaker()
                .requestVolumeThreshold(breaker.requestVolume())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .done()
                .build();
    }

    /** A 5xx answer, thrown so the host's circuit breaker counts it, then turned back into its outcome. */
    private static final class ServerError extends RuntimeException {

        private final transient HttpOutcome outcome;

        ServerError(HttpOutcome outcome) {
            super(outcome.error(), null, false, false);
            this.outcome = outcome;
        }
    }
}
