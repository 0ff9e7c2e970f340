package dev.lifeguard.notify.delivery;

import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.channel.ChannelUrlGuard;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.support.net.OutboundCallException;
import dev.lifeguard.support.net.PinnedHttpClient;
import dev.lifeguard.support.net.RejectedUrlException;
import dev.lifeguard.support.net.UnresolvableHostException;
import dev.lifeguard.support.net.VettedUrl;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

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
 * <p>
 * Before each POST the {@link ChannelUrlGuard} vets the URL again (SSRF), and the POST goes through a
 * {@link PinnedHttpClient} to exactly the addresses it vetted (no second DNS lookup that could be rebound).
 * Redirects are not followed: their target was not vetted. A refused URL is not the host's failure and does not
 * count against its breaker.
 */
@ApplicationScoped
public class ChannelHttpClient {

    private static final int ERROR_BODY_EXCERPT = 300;

    private final NotifyConfig.Delivery config;
    private final ChannelUrlGuard urlGuard;
    private final PinnedHttpClient http;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    @Inject
    public ChannelHttpClient(NotifyConfig config, ChannelUrlGuard urlGuard, Vertx vertx) {
        this(config.delivery(), urlGuard, new PinnedHttpClient(vertx));
    }

    public ChannelHttpClient(NotifyConfig.Delivery config, ChannelUrlGuard urlGuard, PinnedHttpClient http) {
        this.config = config;
        this.urlGuard = urlGuard;
        this.http = http;
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** Never throws: every failure becomes an outcome whose error text holds no secret part of the URL. */
    public HttpOutcome post(ChannelUrl url, String body, Map<String, String> headers) {
        VettedUrl vetted;
        try {
            vetted = urlGuard.vet(url);
        } catch (UnresolvableHostException e) {
            return HttpOutcome.noResponse(url.redact("channel URL: " + e.getMessage()));
        } catch (RejectedUrlException e) {
            return HttpOutcome.refused(url.redact("channel URL refused: " + e.getMessage()));
        }
        Guard guard = guards.computeIfAbsent(url.origin(), this::newGuard);
        try {
            return guard.call(() -> send(url, vetted, body, headers), HttpOutcome.class);
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
        } catch (OutboundCallException e) {
            return HttpOutcome.noResponse(e.kind() == OutboundCallException.Kind.TIMEOUT
                    ? "no response within " + config.timeout().toMillis() + " ms" : url.redact(e.getMessage()));
        } catch (Exception e) {
            return HttpOutcome.noResponse(url.redact(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
    }

    private HttpOutcome send(ChannelUrl url, VettedUrl vetted, String body, Map<String, String> headers)
            throws OutboundCallException, InterruptedException {
        Map<String, String> allHeaders = new java.util.LinkedHashMap<>();
        allHeaders.put("Content-Type", "application/json");
        allHeaders.putAll(headers);
        PinnedHttpClient.Response response = http.send(vetted, new PinnedHttpClient.Request("POST", allHeaders,
                body.getBytes(StandardCharsets.UTF_8), config.timeout(), config.timeout(), ERROR_BODY_EXCERPT));
        String excerpt = response.bodyText();
        Duration retryAfter = HttpOutcome.parseRetryAfter(response.header("Retry-After"), Instant.now());
        HttpOutcome outcome = HttpOutcome.response(response.status(), retryAfter, url.redact(excerpt));
        if (response.status() >= 500) {
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
