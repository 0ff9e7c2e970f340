package dev.lifeguard.notify.delivery;

import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.DeliveryStatus;
import dev.lifeguard.notify.Subscription;
import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.channel.ChatChannel;
import dev.lifeguard.notify.channel.ChatChannels;
import dev.lifeguard.notify.channel.NotificationContent.Urgency;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.notify.repository.SubscriptionRepository;
import dev.lifeguard.support.audit.AuditTrail;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends recorded deliveries. A short transaction claims due rows (attempt counted, due again only after
 * the lease), the POSTs run outside any transaction, and each result is written in its own transaction.
 * A batch's POSTs run one after another, so each claim is renewed just before its POST: a delivery late in a
 * slow batch is not claimed and POSTed by another worker meanwhile, and one claimed again is left to that worker.
 * If the process dies mid-attempt the row is due again when the lease ends: delivery is at least once,
 * and the {@code Idempotency-Key} header (the delivery id) lets channels drop the repeat.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final ChatChannels channels;
    private final ChannelHttpClient http;
    private final NotifyConfig.Delivery config;
    private final RetryPolicy retryPolicy;
    private final AuditTrail audit;

    public DeliveryWorker(DeliveryRepository deliveries, SubscriptionRepository subscriptions, ChatChannels channels,
                          ChannelHttpClient http, NotifyConfig config, AuditTrail audit) {
        this.audit = audit;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.http = http;
        this.config = config.delivery();
        this.retryPolicy = new RetryPolicy(this.config.maxAttempts(), this.config.backoffBase(),
                this.config.backoffMax(), this.config.retryAfterMax());
    }

    /** One claimed attempt; {@code url} prints masked. */
    record Attempt(String deliveryId, int number, String channelType, ChannelUrl url, String body,
                   Map<String, String> headers) {
    }

    @Scheduled(every = "${lifeguard.notify.delivery.poll-interval}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void deliverOnSchedule() {
        deliverDue();
    }

    /** Attempts due deliveries batch by batch until none is due; returns how many were attempted. */
    public int deliverDue() {
        int attempted = 0;
        int claimedInBatch;
        do {
            List<Attempt> claimed = QuarkusTransaction.requiringNew().call(this::claimDue);
            for (Attempt attempt : claimed) {
                if (!QuarkusTransaction.requiringNew().call(() -> renewClaim(attempt))) {
                    continue;
                }
                HttpOutcome outcome = send(attempt);
                QuarkusTransaction.requiringNew().run(() -> record(attempt, outcome));
            }
            claimedInBatch = claimed.size();
            attempted += claimedInBatch;
        } while (claimedInBatch == config.batchSize()); // a backlog drains now, not one batch per poll
        return attempted;
    }

    private List<Attempt> claimDue() {
        OffsetDateTime now = now();
        List<Attempt> claimed = new ArrayList<>();
        for (Delivery delivery : deliveries.lockDue(now, config.batchSize())) {
            Subscription subscription = subscriptions.findById(delivery.subscriptionId);
            Optional<ChatChannel> channel = channels.byType(delivery.channelType);
            if (subscription == null || channel.isEmpty()) {
                delivery.status = DeliveryStatus.FAILED;
                delivery.nextAttemptAt = null;
                delivery.lastError = subscription == null
                        ? "subscription " + delivery.subscriptionId + " was deleted before delivery"
                        : "no channel of type '" + delivery.channelType + "' is installed";
                continue;
            }
            delivery.attempts++;
            delivery.nextAttemptAt = now.plus(config.lease());
            Map<String, String> headers = new HashMap<>(channel.get().headers(delivery.eventId, delivery.eventType,
                    Urgency.fromLabel(delivery.urgency)));
            headers.put("Idempotency-Key", delivery.id);
            claimed.add(new Attempt(delivery.id, delivery.attempts, delivery.channelType,
                    new ChannelUrl(URI.create(subscription.channelUrl)), delivery.body, Map.copyOf(headers)));
        }
        return claimed;
    }

    /** False when the claim ran out and another worker claimed the delivery again, or it was settled meanwhile. */
    private boolean renewClaim(Attempt attempt) {
        boolean renewed = deliveries.renewClaim(attempt.deliveryId(), attempt.number(), now().plus(config.lease()));
        if (!renewed) {
            LOG.debugf("Delivery %s attempt %d not sent: claimed again or settled after the lease ran out",
                    attempt.deliveryId(), attempt.number());
        }
        return renewed;
    }

    /** The client vets the URL again before the POST and connects to the addresses it vetted (SSRF). */
    private HttpOutcome send(Attempt attempt) {
        return http.post(attempt.url(), attempt.body(), attempt.headers());
    }

    private void record(Attempt attempt, HttpOutcome outcome) {
        Delivery delivery = deliveries.findById(attempt.deliveryId());
        if (delivery == null || delivery.status != DeliveryStatus.PENDING || delivery.attempts != attempt.number()) {
            return; // deleted, or claimed again after this attempt outlived its lease: the newer attempt decides
        }
        RetryPolicy.Verdict verdict = retryPolicy.after(delivery.attempts, outcome, Instant.now());
        delivery.status = verdict.status();
        delivery.nextAttemptAt = verdict.nextAttemptAt() == null ? null
                : verdict.nextAttemptAt().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        delivery.lastError = truncate(attempt.url().redact(verdict.lastError()));
        switch (verdict.status()) {
            case DELIVERED -> {
                delivery.deliveredAt = now();
                LOG.infof("Delivery %s (%s to %s) delivered on attempt %d", delivery.id, attempt.channelType(),
                        attempt.url(), attempt.number());
            }
            case PENDING -> LOG.infof("Delivery %s (%s to %s) attempt %d failed, next at %s: %s", delivery.id,
                    attempt.channelType(), attempt.url(), attempt.number(), delivery.nextAttemptAt, delivery.lastError);
            case FAILED -> LOG.warnf("Delivery %s (%s to %s) failed: %s", delivery.id, attempt.channelType(),
                    attempt.url(), delivery.lastError);
        }
        if (verdict.status() != DeliveryStatus.PENDING) {
            // what left the platform, and to where (masked: the URL is the subscription's secret)
            audit.recordAutomatic("notification." + verdict.status().name().toLowerCase(Locale.ROOT),
                    "subscription/" + delivery.subscriptionId, verdict.status().name().toLowerCase(Locale.ROOT),
                    "delivery " + delivery.id + " (" + delivery.eventType + ", attempt " + attempt.number() + ") to "
                            + attempt.channelType() + " " + attempt.url().masked());
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
