package dev.lifeguard.deploy.executor.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.config.DeployConfig;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor;
import dev.lifeguard.deploy.executor.TransientExecutionException;
import dev.lifeguard.deploy.executor.support.ExecutorHttp;
import dev.lifeguard.deploy.executor.support.ExecutorSettings;
import dev.lifeguard.deploy.signing.HmacSignature;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.net.OutboundUrlGuard;
import dev.lifeguard.support.net.RejectedUrlException;
import dev.lifeguard.support.net.UnresolvableHostException;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

/**
 * Asks the team's own deployment tooling to roll back: POSTs a structured CloudEvent
 * ({@value #EVENT_TYPE}) naming the target, the failing and the stable version and the reason, signed with
 * HMAC-SHA256 in {@value HmacSignature#HEADER}, with {@code Idempotency-Key: <rollbackId>} (the event id is derived
 * from the rollback id too, so a retry is the same event). 2xx is done, 202 accepted (the receiver reports
 * completion later); 408, 429, 5xx and no answer are retried; any other answer fails the rollback.
 */
@ApplicationScoped
@Identifier(WebhookRollbackExecutor.NAME)
public class WebhookRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "webhook";
    public static final String EVENT_TYPE = "dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static final String URL = "url";
    static final String SECRET = "secret";
    private static final String CONFIG = "lifeguard.deploy.executors.webhook.";
    private static final int MAX_SECRET_LENGTH = 1024;
    private static final int MAX_ANSWER_BYTES = 16 * 1024;

    private final WebhookConfig config;
    private final String eventSource;
    private final OutboundUrlGuard urlGuard;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http;

    @Inject
    public WebhookRollbackExecutor(WebhookConfig config, DeployConfig deployConfig, OutboundUrlGuard urlGuard,
                                   ObjectMapper mapper) {
        this(config, deployConfig.eventSource(), urlGuard, mapper, Clock.systemUTC());
    }

    public WebhookRollbackExecutor(WebhookConfig config, String eventSource, OutboundUrlGuard urlGuard,
                                   ObjectMapper mapper, Clock clock) {
        this.config = config;
        this.eventSource = eventSource;
        this.urlGuard = urlGuard;
        this.mapper = mapper;
        this.clock = clock;
        this.http = ExecutorHttp.client(config.connectTimeout());
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        ExecutorSettings.allowOnly(settings, Set.of(URL, SECRET));
        ObjectNode normalised = mapper.createObjectNode();
        String url = ExecutorSettings.optionalText(settings, URL, 2000);
        if (url != null) {
            try {
                normalised.put(URL, urlGuard.check(url).toString());
            } catch (RejectedUrlException e) {
                throw new InvalidExecutorSettingsException(URL, "setting 'url': " + e.getMessage());
            }
        } else if (config.url().isEmpty()) {
            throw new InvalidExecutorSettingsException(URL,
                    "setting 'url' is required (no default is configured in " + CONFIG + "url)");
        }
        String secret = ExecutorSettings.optionalText(settings, SECRET, MAX_SECRET_LENGTH);
        if (secret != null) {
            normalised.put(SECRET, secret);
        } else if (config.secret().isEmpty()) {
            throw new InvalidExecutorSettingsException(SECRET, "setting 'secret' is required (no default is"
                    + " configured in " + CONFIG + "secret): Lifeguard does not send unsigned rollback requests");
        }
        return normalised;
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of(SECRET);
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        ExecutorSettings.requireStableVersion(plan);
        URI url = url(settings);
        String secret = secret(settings);
        String receiver = "webhook at " + OutboundUrlGuard.origin(url);
        Instant now = clock.instant();
        byte[] body = body(plan, now);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.requestTimeout())
                .header("Content-Type", CloudEvent.STRUCTURED_CONTENT_TYPE)
                .header(HmacSignature.HEADER, HmacSignature.sign(secret, now, body))
                .header(IDEMPOTENCY_KEY, plan.rollbackId())
                .header("User-Agent", "lifeguard-deploy-service")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        ExecutorHttp.Answer answer = ExecutorHttp.send(http, request, MAX_ANSWER_BYTES, receiver);
        int status = answer.status();
        String target = plan.service() + "/" + plan.environment();
        if (status == 202) {
            return ExecutionOutcome.accepted(receiver + " accepted the rollback of " + target + " to "
                    + plan.toVersion() + " (HTTP 202); it reports completion later");
        }
        if (answer.successful()) {
            return ExecutionOutcome.done(receiver + " rolled " + target + " back to " + plan.toVersion()
                    + " (HTTP " + status + ")");
        }
        String excerpt = ExecutorHttp.excerpt(answer.body(), secret, secretPartOf(url.getRawPath()), url.getRawQuery());
        String said = excerpt.isEmpty() ? "" : ": " + excerpt;
        if (ExecutorHttp.retryable(status)) {
            throw new TransientExecutionException(receiver + " answered HTTP " + status + said);
        }
        if (status >= 300 && status < 400) {
            throw new ExecutionFailedException(receiver + " answered HTTP " + status
                    + " (a redirect, which Lifeguard does not follow: configure the final URL)");
        }
        throw new ExecutionFailedException(receiver + " refused the rollback with HTTP " + status + said);
    }

    /** A target's URL is checked again before each call: what its host resolves to may have changed. */
    private URI url(ObjectNode settings) {
        String url = ExecutorSettings.text(settings, URL);
        if (url == null) {
            return URI.create(config.url().orElseThrow(() -> new ExecutionFailedException(
                    "the target sets no webhook url and " + CONFIG + "url is not configured")));
        }
        try {
            return urlGuard.check(url);
        } catch (UnresolvableHostException e) {
            throw new TransientExecutionException("webhook URL: " + e.getMessage());
        } catch (RejectedUrlException e) {
            throw new ExecutionFailedException("webhook URL refused: " + e.getMessage());
        }
    }

    /** A webhook URL's path may hold a token (as chat webhooks do); "/" alone holds nothing worth blanking. */
    private static String secretPartOf(String path) {
        return path == null || path.length() < 2 ? null : path;
    }

    private String secret(ObjectNode settings) {
        String secret = ExecutorSettings.text(settings, SECRET);
        if (secret != null) {
            return secret;
        }
        return config.secret().orElseThrow(() -> new ExecutionFailedException("the target sets no webhook secret and "
                + CONFIG + "secret is not configured: Lifeguard does not send unsigned rollback requests"));
    }

    /** The structured CloudEvent; its id is derived from the rollback id, so every retry sends the same event. */
    private byte[] body(RollbackPlan plan, Instant now) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", plan.service());
        content.put("environment", plan.environment());
        content.put("rollbackId", plan.rollbackId());
        content.put("fromVersion", plan.fromVersion());
        content.put("toVersion", plan.toVersion());
        content.put("toArtifactId", plan.toArtifactId());
        content.put("toImage", plan.toImage());
        content.put("reason", plan.reason());
        content.put("completeUrl", "/api/v1/rollbacks/" + plan.rollbackId() + "/complete");
        CloudEvent event = CdEventBuilder.event(EVENT_TYPE)
                .id(UUID.nameUUIDFromBytes((EVENT_TYPE + "/" + plan.rollbackId()).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .source(eventSource)
                .chainId(plan.chainId() != null ? plan.chainId() : plan.rollbackId())
                .subjectId(plan.rollbackId())
                .cloudEventSubject(plan.service() + "/" + plan.environment())
                .time(OffsetDateTime.ofInstant(now, ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS))
                .content(content)
                .build(mapper);
        try {
            return mapper.writeValueAsBytes(event.toStructuredJson(mapper));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a CloudEvent could not be written as JSON", e);
        }
    }
}
