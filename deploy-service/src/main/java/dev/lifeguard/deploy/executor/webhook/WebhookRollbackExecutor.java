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
import dev.lifeguard.support.net.PinnedHttpClient;
import dev.lifeguard.support.net.RejectedUrlException;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Asks the team's own deployment tooling to roll back: POSTs a structured CloudEvent
 * ({@value #EVENT_TYPE}) naming the target, the failing and the stable version and the reason, signed with
 * HMAC-SHA256 in {@value HmacSignature#HEADER}, with {@code Idempotency-Key: <rollbackId>} (the event id is derived
 * from the rollback id too, so a retry is the same event). 2xx is done, 202 accepted (the receiver reports
 * completion later); 408, 429, 5xx and no answer are retried; any other answer fails the rollback.
 * <p>
 * Rollout steps go the same way as a {@value #STEP_EVENT_TYPE} CloudEvent (action {@code set-weight},
 * {@code promote} or {@code abort}, the weight, the new and the stable version), to the target's {@code stepUrl}
 * when it sets one, else to its {@code url}; {@code Idempotency-Key} is the step id.
 * <p>
 * A target's URL is vetted by the SSRF guard when it is saved and again before each call, and the call goes to the
 * addresses vetted for it; the configured default URL is vetted the same way with private networks allowed unless
 * {@code lifeguard.deploy.executors.webhook.allow-private-network=false}.
 */
@ApplicationScoped
@Identifier(WebhookRollbackExecutor.NAME)
public class WebhookRollbackExecutor implements RollbackExecutor {

    public static final String NAME = "webhook";
    public static final String EVENT_TYPE = "dev.cdeventsx.lifeguard-rollback.dispatched.0.1.0";
    public static final String STEP_EVENT_TYPE = "dev.cdeventsx.lifeguard-rollout.step-requested.0.1.0";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static final String URL = "url";
    static final String STEP_URL = "stepUrl";
    static final String SECRET = "secret";
    private static final String CONFIG = "lifeguard.deploy.executors.webhook.";
    private static final int MAX_SECRET_LENGTH = 1024;
    private static final int MAX_ANSWER_BYTES = 16 * 1024;

    private final WebhookConfig config;
    private final String eventSource;
    private final OutboundUrlGuard urlGuard;
    private final ObjectMapper mapper;
    private final Clock clock;
    /** Calls to a target's own URL, vetted by {@code urlGuard}. */
    private final ExecutorHttp targetHttp;
    /** Calls to the configured default URL, vetted by the configured-URL guard. */
    private final ExecutorHttp configuredHttp;

    @Inject
    public WebhookRollbackExecutor(WebhookConfig config, DeployConfig deployConfig, OutboundUrlGuard urlGuard,
                                   ObjectMapper mapper, PinnedHttpClient http) {
        this(config, deployConfig.eventSource(), urlGuard, mapper, Clock.systemUTC(), http, InetAddress::getAllByName);
    }

    /** @param configuredUrlResolver resolves the configured default URL's host (replaceable in tests) */
    public WebhookRollbackExecutor(WebhookConfig config, String eventSource, OutboundUrlGuard urlGuard,
                                   ObjectMapper mapper, Clock clock, PinnedHttpClient http,
                                   OutboundUrlGuard.Resolver configuredUrlResolver) {
        this.config = config;
        this.eventSource = eventSource;
        this.urlGuard = urlGuard;
        this.mapper = mapper;
        this.clock = clock;
        this.targetHttp = new ExecutorHttp(http, urlGuard, "webhook URL", config.connectTimeout(),
                config.requestTimeout());
        this.configuredHttp = new ExecutorHttp(http, new OutboundUrlGuard(config.allowPrivateNetwork(),
                CONFIG + "allow-private-network", configuredUrlResolver), "webhook URL (" + CONFIG + "url)",
                config.connectTimeout(), config.requestTimeout());
    }

    @Override
    public ObjectNode validate(ObjectNode settings) {
        ExecutorSettings.allowOnly(settings, Set.of(URL, STEP_URL, SECRET));
        ObjectNode normalised = mapper.createObjectNode();
        String url = checkedUrl(settings, URL);
        if (url != null) {
            normalised.put(URL, url);
        } else if (config.url().isEmpty()) {
            throw new InvalidExecutorSettingsException(URL,
                    "setting 'url' is required (no default is configured in " + CONFIG + "url)");
        }
        String stepUrl = checkedUrl(settings, STEP_URL);
        if (stepUrl != null) {
            normalised.put(STEP_URL, stepUrl);
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

    private String checkedUrl(ObjectNode settings, String name) {
        String url = ExecutorSettings.optionalText(settings, name, 2000);
        if (url == null) {
            return null;
        }
        try {
            return urlGuard.validate(url).toString();
        } catch (RejectedUrlException e) {
            throw new InvalidExecutorSettingsException(name, "setting '" + name + "': " + e.getMessage());
        }
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of(SECRET);
    }

    @Override
    public boolean runsRollouts() {
        return true;
    }

    @Override
    public ExecutionOutcome execute(RollbackPlan plan, ObjectNode settings) {
        ExecutorSettings.requireStableVersion(plan);
        Receiver url = url(settings, URL);
        String secret = secret(settings);
        String receiver = "webhook at " + OutboundUrlGuard.origin(url.uri());
        Instant now = clock.instant();
        ExecutorHttp.Answer answer = post(url, secret, rollbackBody(plan, now), plan.rollbackId(), now, receiver);
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
        throw refusal(answer, url.uri(), secret, receiver, "the rollback");
    }

    @Override
    public ExecutionOutcome applyStep(RolloutStep step, ObjectNode settings) {
        Receiver url = ExecutorSettings.text(settings, STEP_URL) != null ? url(settings, STEP_URL) : url(settings, URL);
        String secret = secret(settings);
        String receiver = "webhook at " + OutboundUrlGuard.origin(url.uri());
        Instant now = clock.instant();
        ExecutorHttp.Answer answer = post(url, secret, stepBody(step, now), step.stepId(), now, receiver);
        String what = describe(step);
        if (answer.status() == 202) {
            return ExecutionOutcome.accepted(receiver + " accepted " + what + " (HTTP 202)");
        }
        if (answer.successful()) {
            return ExecutionOutcome.done(receiver + " applied " + what + " (HTTP " + answer.status() + ")");
        }
        throw refusal(answer, url.uri(), secret, receiver, what);
    }

    /** For people: "set-weight 10% of checkout/production to 2.0.1 (step 0)". */
    private static String describe(RolloutStep step) {
        String target = step.service() + "/" + step.environment();
        String index = step.stepIndex() >= 0 ? " (step " + step.stepIndex() + ")" : "";
        return switch (step.action()) {
            case SET_WEIGHT -> "set-weight " + step.weight() + "% of " + target + " to " + step.version() + index;
            case PROMOTE -> "promote of " + target + " to " + step.version() + index;
            case ABORT -> "abort of " + target + " " + step.version() + ", back to " + step.stableVersion() + index;
        };
    }

    private ExecutorHttp.Answer post(Receiver url, String secret, byte[] body, String idempotencyKey, Instant now,
                                     String receiver) {
        Map<String, String> headers = Map.of(
                "Content-Type", CloudEvent.STRUCTURED_CONTENT_TYPE,
                HmacSignature.HEADER, HmacSignature.sign(secret, now, body),
                IDEMPOTENCY_KEY, idempotencyKey,
                "User-Agent", "lifeguard-deploy-service");
        ExecutorHttp http = url.configured() ? configuredHttp : targetHttp;
        return http.send("POST", url.uri().toString(), headers, body, MAX_ANSWER_BYTES, receiver);
    }

    /** Where a call goes: a target's own URL, or the configured default (vetted by different guards). */
    private record Receiver(URI uri, boolean configured) {
    }

    /** A non-2xx answer: 408, 429 and 5xx may work later; a redirect or any other status will not. */
    private static RuntimeException refusal(ExecutorHttp.Answer answer, URI url, String secret, String receiver,
                                            String what) {
        int status = answer.status();
        String excerpt = ExecutorHttp.excerpt(answer.body(), secret, secretPartOf(url.getRawPath()), url.getRawQuery());
        String said = excerpt.isEmpty() ? "" : ": " + excerpt;
        if (ExecutorHttp.retryable(status)) {
            return new TransientExecutionException(receiver + " answered HTTP " + status + said);
        }
        if (status >= 300 && status < 400) {
            return new ExecutionFailedException(receiver + " answered HTTP " + status
                    + " (a redirect, which Lifeguard does not follow: configure the final URL)");
        }
        return new ExecutionFailedException(receiver + " refused " + what + " with HTTP " + status + said);
    }

    /** The URL to call; it is vetted again right before the call (what its host resolves to may have changed). */
    private Receiver url(ObjectNode settings, String name) {
        String url = ExecutorSettings.text(settings, name);
        if (url == null) {
            return new Receiver(URI.create(config.url().orElseThrow(() -> new ExecutionFailedException(
                    "the target sets no webhook url and " + CONFIG + "url is not configured"))), true);
        }
        try {
            return new Receiver(new URI(url), false);
        } catch (java.net.URISyntaxException e) {
            throw new ExecutionFailedException("webhook URL refused: not a valid URL: " + e.getReason());
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
    private byte[] rollbackBody(RollbackPlan plan, Instant now) {
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
        return write(event);
    }

    /** The step request; its id is derived from the step id, so every retry of one step sends the same event. */
    private byte[] stepBody(RolloutStep step, Instant now) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", step.service());
        content.put("environment", step.environment());
        content.put("deploymentId", step.deploymentId());
        content.put("stepId", step.stepId());
        content.put("action", step.action().wireName());
        content.put("strategy", step.strategy());
        content.put("stepIndex", step.stepIndex());
        content.put("weight", step.weight());
        content.put("version", step.version());
        content.put("artifactId", step.artifactId());
        content.put("image", step.image());
        content.put("stableVersion", step.stableVersion());
        content.put("stableArtifactId", step.stableArtifactId());
        content.put("stableImage", step.stableImage());
        content.put("reason", step.reason());
        CloudEvent event = CdEventBuilder.event(STEP_EVENT_TYPE)
                .id(UUID.nameUUIDFromBytes((STEP_EVENT_TYPE + "/" + step.stepId()).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .source(eventSource)
                .chainId(step.chainId() != null ? step.chainId() : step.deploymentId())
                .subjectId(step.deploymentId())
                .cloudEventSubject(step.service() + "/" + step.environment())
                .time(OffsetDateTime.ofInstant(now, ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS))
                .content(content)
                .build(mapper);
        return write(event);
    }

    private byte[] write(CloudEvent event) {
        try {
            return mapper.writeValueAsBytes(event.toStructuredJson(mapper));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a CloudEvent could not be written as JSON", e);
        }
    }
}
