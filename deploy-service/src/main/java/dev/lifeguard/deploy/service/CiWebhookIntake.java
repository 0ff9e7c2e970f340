package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.deploy.config.CiWebhookConfig;
import dev.lifeguard.deploy.event.CiDeploymentEvent;
import dev.lifeguard.deploy.event.EventTypes;
import dev.lifeguard.deploy.event.TestSuiteRunEvent;
import dev.lifeguard.deploy.repository.CiDeliveryRepository;
import dev.lifeguard.deploy.signing.HmacSignature;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.CloudEventReader;
import dev.lifeguard.support.event.EventTarget;
import dev.lifeguard.support.event.MalformedEventException;
import dev.lifeguard.support.outbox.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signed CI webhook: authenticates a delivery with its source's secret, reads the CloudEvent in any shape
 * (structured, binary, bare CDEvent) and queues it on the CI topic, so it takes the very path of an event CI
 * writes to Kafka (same consumer, same event-id de-duplication, same dead-letter rules). Recording the delivery
 * and queueing the event share one transaction: a repeated delivery queues nothing.
 */
@ApplicationScoped
public class CiWebhookIntake {

    public static final String SOURCE_HEADER = "X-Lifeguard-Source";
    public static final String DELIVERY_HEADER = "X-Lifeguard-Delivery";
    public static final String GITHUB_DELIVERY_HEADER = "X-GitHub-Delivery";

    /** What became of an authenticated delivery. */
    public record Receipt(boolean duplicate, String deliveryId, String eventId, String eventType) {
    }

    private static final Logger LOG = Logger.getLogger(CiWebhookIntake.class);
    private static final Pattern NAMED_INPUT = Pattern.compile("(field|header) '([^']+)'");
    private static final int MAX_ID_LENGTH = 200;
    private static final int MAX_SOURCE_LENGTH = 100;
    static final String TOKEN_SOURCE_PREFIX = "token:";

    private final CiWebhookConfig config;
    private final CloudEventReader reader;
    private final CiDeliveryRepository deliveries;
    private final Outbox outbox;
    private final ObjectMapper mapper;

    public CiWebhookIntake(CiWebhookConfig config, CloudEventReader reader, CiDeliveryRepository deliveries,
                           Outbox outbox, ObjectMapper mapper) {
        this.config = config;
        this.reader = reader;
        this.deliveries = deliveries;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    /**
     * Accepts or recognises a delivery. Nothing is recorded unless the signature is valid.
     *
     * @throws CiDeliveryRefusedException when the caller is not authenticated or the event cannot be read
     */
    public Receipt receive(CiDelivery delivery, Instant now) {
        return accept(authenticate(delivery, now), delivery, now);
    }

    /**
     * Accepts or recognises a delivery whose caller a bearer token with role ci authenticated: no signature is
     * needed. Its deliveries are de-duplicated under the source {@code token:<subject>}.
     */
    public Receipt receiveFromTokenHolder(String subject, CiDelivery delivery, Instant now) {
        String source = TOKEN_SOURCE_PREFIX + subject;
        return accept(source.length() > MAX_SOURCE_LENGTH ? source.substring(0, MAX_SOURCE_LENGTH) : source, delivery, now);
    }

    private Receipt accept(String source, CiDelivery delivery, Instant now) {
        CloudEvent event = read(delivery);
        String deliveryId = deliveryId(delivery.deliveryId(), event);
        Receipt receipt = QuarkusTransaction.requiringNew().call(() -> {
            boolean first = deliveries.recordFirst(source, deliveryId, event.id(), event.type(),
                    OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            if (first) {
                outbox.enqueue(config.topic(), key(event), event);
            }
            return new Receipt(!first, deliveryId, event.id(), event.type());
        });
        LOG.infof("CI webhook: %s event %s (%s) from source %s, delivery %s",
                receipt.duplicate() ? "duplicate" : "accepted", event.id(), event.type(), source, deliveryId);
        return receipt;
    }

    /** The source's name once its signature checks out. */
    private String authenticate(CiDelivery delivery, Instant now) {
        String source = delivery.source() == null ? "" : delivery.source().trim();
        if (source.isEmpty()) {
            throw CiDeliveryRefusedException.unauthenticated(SOURCE_HEADER,
                    "name the calling CI system in the " + SOURCE_HEADER + " header (or ?source=)");
        }
        CiWebhookConfig.Source configured = config.sources().get(source);
        if (configured == null || configured.secret().isBlank()) {
            LOG.infof("CI webhook: refused a delivery from unknown source %s", abbreviate(source));
            throw CiDeliveryRefusedException.unauthenticated(SOURCE_HEADER,
                    "'" + abbreviate(source) + "' is not a configured CI source");
        }
        String problem;
        String field;
        if (delivery.lifeguardSignature() != null) {
            field = HmacSignature.HEADER;
            problem = HmacSignature.verify(delivery.lifeguardSignature(), configured.secret(), delivery.body(), now,
                    config.replayWindow());
        } else if (delivery.githubSignature() != null) {
            field = HmacSignature.GITHUB_HEADER;
            problem = HmacSignature.verifyGitHub(delivery.githubSignature(), configured.secret(), delivery.body());
        } else {
            field = HmacSignature.HEADER;
            problem = "the request is not signed: send " + HmacSignature.HEADER
                    + ": t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)> (or GitHub's "
                    + HmacSignature.GITHUB_HEADER + ")";
        }
        if (problem != null) {
            LOG.infof("CI webhook: refused a delivery claiming source %s: %s", abbreviate(source), problem);
            throw CiDeliveryRefusedException.unauthenticated(field, problem);
        }
        return source;
    }

    /** The event in whichever shape it came; a deployment must also be one the consumer can apply. */
    CloudEvent read(CiDelivery delivery) {
        boolean binary = delivery.cloudEventHeaders().containsKey("specversion");
        RecordHeaders headers = new RecordHeaders();
        if (binary) {
            delivery.cloudEventHeaders().forEach((name, value) ->
                    headers.add("ce_" + name, value.getBytes(StandardCharsets.UTF_8)));
        }
        String body = new String(delivery.body(), StandardCharsets.UTF_8);
        CloudEvent event;
        try {
            event = reader.read(body, headers);
        } catch (MalformedEventException e) {
            throw CiDeliveryRefusedException.invalid(fieldOf(e.getMessage(), ""), readable(e.getMessage()));
        }
        // a structured event's CDEvent is under "data": name the field as the sender sees it
        String prefix = !binary && isStructured(body) ? "data." : "";
        requireId("id", event.id());
        if (EventTypes.isServiceDeployment(event.type())) {
            try {
                CiDeploymentEvent.from(event);
            } catch (MalformedEventException e) {
                String field = fieldOf(e.getMessage(), prefix);
                if ("body".equals(field) && e.getMessage().contains("package URL")) {
                    field = prefix + "subject.content.artifactId";
                }
                throw CiDeliveryRefusedException.invalid(field, e.getMessage());
            }
        }
        if (event.type().startsWith(TestSuiteRunEvent.TYPE_PREFIX)) {
            try {
                TestSuiteRunEvent.from(event);
            } catch (MalformedEventException e) {
                throw CiDeliveryRefusedException.invalid(fieldOf(e.getMessage(), prefix), e.getMessage());
            }
        }
        return event;
    }

    private boolean isStructured(String body) {
        try {
            return mapper.readTree(body).has("specversion");
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The Kafka key CI would use, {@code <service>/<environment>}, or none when the event does not name them. */
    static String key(CloudEvent event) {
        CdEvent cdEvent = event.cdEvent();
        String service = CdEvent.textOrNull(cdEvent.subject().get("id"));
        String environment = CdEvent.textOrNull(cdEvent.content().path("environment").get("id"));
        if (EventTarget.isValidName(service) && EventTarget.isValidName(environment)) {
            return service + "/" + environment;
        }
        try {
            return EventTarget.of(event).key();
        } catch (MalformedEventException e) {
            return null;
        }
    }

    private static String deliveryId(String header, CloudEvent event) {
        if (header == null || header.isBlank()) {
            return event.id();
        }
        String id = header.trim();
        if (!isVisibleAscii(id)) {
            throw CiDeliveryRefusedException.invalid(DELIVERY_HEADER,
                    "the delivery id must be 1-" + MAX_ID_LENGTH + " visible ASCII characters");
        }
        return id;
    }

    private static void requireId(String field, String id) {
        if (id.length() > MAX_ID_LENGTH) {
            throw CiDeliveryRefusedException.invalid(field, "the event id must be at most " + MAX_ID_LENGTH
                    + " characters");
        }
    }

    private static boolean isVisibleAscii(String text) {
        return !text.isEmpty() && text.length() <= MAX_ID_LENGTH && text.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /**
     * The input a reader error is about, as the caller names it: {@code context.id} for the JSON pointer
     * {@code /context/id}, {@code ce-id} for the record header {@code ce_id}, else the body as a whole.
     */
    static String fieldOf(String message, String prefix) {
        Matcher named = NAMED_INPUT.matcher(message == null ? "" : message);
        if (!named.find()) {
            return "body";
        }
        String name = named.group(2);
        if (named.group(1).equals("header")) {
            return name.startsWith("ce_") ? "ce-" + name.substring(3) : name;
        }
        return prefix + (name.startsWith("/") ? name.substring(1).replace('/', '.') : name);
    }

    /** Reader messages speak of Kafka records; a webhook caller sent a request body. */
    private static String readable(String message) {
        return message.replace("empty record value", "the request body is empty")
                .replace("value is not", "the request body is not")
                .replace("ce_specversion header", "ce-specversion header")
                .replace("header 'ce_", "header 'ce-");
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "…" : printable;
    }

    @Scheduled(every = "${lifeguard.retention.interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void forgetOldDeliveries() {
        int removed = QuarkusTransaction.requiringNew().call(() -> deliveries.deleteReceivedBefore(
                OffsetDateTime.now(ZoneOffset.UTC).minus(config.deliveryRetention())));
        if (removed > 0) {
            LOG.infof("CI webhook: forgot %d deliveries older than %s", removed, config.deliveryRetention());
        }
    }
}
