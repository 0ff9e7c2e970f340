package dev.lifeguard.notify.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.notify.Delivery;
import dev.lifeguard.notify.DeliveryStatus;
import dev.lifeguard.notify.RollbackOutcome.Kind;
import dev.lifeguard.notify.Subscription;
import dev.lifeguard.notify.channel.ChatChannel;
import dev.lifeguard.notify.channel.ChatChannels;
import dev.lifeguard.notify.channel.NotificationContent;
import dev.lifeguard.notify.config.NotifyConfig;
import dev.lifeguard.notify.event.ApprovalRequestedEvent;
import dev.lifeguard.notify.event.Decision;
import dev.lifeguard.notify.event.NotifiableEvent;
import dev.lifeguard.notify.event.NotificationEvents;
import dev.lifeguard.notify.event.RollbackAcceptedEvent;
import dev.lifeguard.notify.event.RollbackDecidedEvent;
import dev.lifeguard.notify.event.RollbackDecisionEvent;
import dev.lifeguard.notify.event.RollbackEscalatedEvent;
import dev.lifeguard.notify.event.RollbackFailedEvent;
import dev.lifeguard.notify.event.RollbackRequestedEvent;
import dev.lifeguard.notify.event.RollbackSkippedEvent;
import dev.lifeguard.notify.event.RolledBackEvent;
import dev.lifeguard.notify.repository.DecisionSettlementRepository;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.notify.repository.RollbackOutcomeRepository;
import dev.lifeguard.notify.repository.SubscriptionRepository;
import dev.lifeguard.support.event.CloudEvent;
import dev.lifeguard.support.event.EventTarget;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an event into one notification per matching subscription. Each is recorded as a PENDING
 * delivery and published on the team's and the all-teams topic in the caller's transaction, so the
 * event is either fully recorded or (on rollback) consumed again; the worker sends afterwards.
 * Rollback outcomes are remembered per rollback, so that a request read after its outcome is worded as late, and so
 * are settled decisions, so that an approval request read after its answer does not ask again. An escalation also
 * reaches every subscription of the escalation team, whatever services it covers.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final RollbackOutcomeRepository rollbackOutcomes;
    private final DecisionSettlementRepository settlements;
    private final NotificationComposer composer;
    private final ChatChannels channels;
    private final NotificationEvents events;
    private final Outbox outbox;
    private final NotifyConfig config;
    private final TeamTopics teamTopics;
    private final ObjectMapper mapper;

    public NotificationService(SubscriptionRepository subscriptions, DeliveryRepository deliveries,
                               RollbackOutcomeRepository rollbackOutcomes, DecisionSettlementRepository settlements,
                               NotificationComposer composer,
                               ChatChannels channels, NotificationEvents events, Outbox outbox, NotifyConfig config,
                               TeamTopics teamTopics, ObjectMapper mapper) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.rollbackOutcomes = rollbackOutcomes;
        this.settlements = settlements;
        this.composer = composer;
        this.channels = channels;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        this.teamTopics = teamTopics;
        this.mapper = mapper;
    }

    /** Remembers what later events need to know, then tells the subscribers if the event is worth telling. */
    @Transactional
    public List<Delivery> notifyAbout(NotifiableEvent event) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        rememberRollbackOutcome(event, now);
        // Known before this event is remembered: a settlement must not make itself look late.
        Optional<Hindsight.Settled> settledBefore = settledBefore(event);
        rememberSettlement(event, now);
        if (!event.worthTelling()) {
            return List.of();
        }
        List<Subscription> subscribers = subscriptions.covering(event.service());
        Optional<String> escalationTeam = escalationTeam(event);
        boolean escalationTeamListens = true;
        if (escalationTeam.isPresent()) {
            List<Subscription> escalation = subscriptions.forTeam(escalationTeam.get());
            escalationTeamListens = !escalation.isEmpty();
            Map<String, Subscription> unique = new LinkedHashMap<>();
            subscribers.forEach(subscription -> unique.put(subscription.id, subscription));
            escalation.forEach(subscription -> unique.putIfAbsent(subscription.id, subscription));
            subscribers = List.copyOf(unique.values());
        }
        if (subscribers.isEmpty()) {
            return List.of();
        }
        NotificationContent content = composer.compose(event,
                new Hindsight(endReportedBefore(event), settledBefore, escalationTeamListens));
        List<Delivery> recorded = new ArrayList<>();
        for (Subscription subscription : subscribers) {
            Optional<ChatChannel> channel = channels.byType(subscription.channelType);
            if (channel.isEmpty()) {
                // Only possible if a channel implementation was removed after subscribing; the others still hear.
                LOG.warnf("Subscription %s uses channel type '%s', which is not installed: skipped", subscription.id,
                        subscription.channelType);
                continue;
            }
            ObjectNode message = channel.get().render(content);
            Delivery delivery = pending(subscription, content, message, now);
            deliveries.persist(delivery);
            CloudEvent published = events.published(delivery, content, message);
            String key = NotificationEvents.key(delivery);
            outbox.enqueue(teamTopics.of(subscription.team), key, published);
            outbox.enqueue(config.notificationsTopic(), key, published);
            recorded.add(delivery);
        }
        LOG.infof("Event %s (%s) on %s/%s: %d notification(s) recorded", event.cloudEvent().id(),
                event.cloudEvent().type(), event.service(), event.environment(), recorded.size());
        return recorded;
    }

    /** Whatever the subscriptions: a team may subscribe before the late request arrives. */
    private void rememberRollbackOutcome(NotifiableEvent event, OffsetDateTime now) {
        String rollbackId = null;
        Kind outcome = null;
        String fromVersion = null;
        String toVersion = null;
        if (event instanceof RollbackFailedEvent failed) {
            rollbackId = failed.rollbackId();
            outcome = Kind.FAILED;
            fromVersion = failed.fromVersion();
            toVersion = failed.toVersion();
        } else if (event instanceof RollbackSkippedEvent skipped) {
            rollbackId = skipped.rollbackId();
            outcome = Kind.SKIPPED;
            fromVersion = skipped.fromVersion();
            toVersion = skipped.toVersion();
        } else if (event instanceof RollbackAcceptedEvent accepted) {
            rollbackId = accepted.rollbackId();
            outcome = Kind.ACCEPTED;
            fromVersion = accepted.fromVersion();
            toVersion = accepted.toVersion();
        } else if (event instanceof RolledBackEvent rolledBack) {
            rollbackId = rolledBack.rollbackId();
            outcome = Kind.ROLLED_BACK;
            fromVersion = rolledBack.fromVersion();
            toVersion = rolledBack.toVersion();
        }
        if (rollbackId != null) {
            rollbackOutcomes.record(rollbackId, outcome, event.cloudEvent().id(), event.service(), event.environment(),
                    fromVersion, toVersion, now);
        }
    }

    /** A settled decision: approved, rejected, or held / rolled back by the approval timeout. */
    private void rememberSettlement(NotifiableEvent event, OffsetDateTime now) {
        if (event instanceof RollbackDecidedEvent decided && decided.settlement()) {
            OffsetDateTime settledAt = decided.cloudEvent().time() != null ? decided.cloudEvent().time() : now;
            settlements.record(event.service(), event.environment(), decided.facts().rollbackId(),
                    decided.facts().decision(), decided.settledBy(), decided.settleReason(), event.cloudEvent().id(),
                    settledAt, now);
        }
    }

    /** For the events that ask a person, or tell them to act: how their decision was settled, if it already was. */
    private Optional<Hindsight.Settled> settledBefore(NotifiableEvent event) {
        boolean asks = event instanceof ApprovalRequestedEvent || event instanceof RollbackEscalatedEvent
                || event instanceof RollbackDecidedEvent decided && decided.facts().decision() == Decision.HELD
                && !decided.settlement();
        if (!asks) {
            return Optional.empty();
        }
        String rollbackId = ((RollbackDecisionEvent) event).facts().rollbackId();
        return settlements.of(event.service(), event.environment(), rollbackId)
                .map(settled -> new Hindsight.Settled(settled.decision, settled.settledBy, settled.settleReason));
    }

    /** The team an escalation goes to as well, when its name can be a team's (and so a topic's) name. */
    private static Optional<String> escalationTeam(NotifiableEvent event) {
        if (event instanceof RollbackEscalatedEvent escalated && escalated.escalationTeam() != null) {
            if (EventTarget.isValidName(escalated.escalationTeam())) {
                return Optional.of(escalated.escalationTeam());
            }
            LOG.warnf("Escalation %s names team '%s', which is no valid team name: only %s's subscribers are told",
                    event.cloudEvent().id(), escalated.escalationTeam(), event.service());
        }
        return Optional.empty();
    }

    private Optional<Kind> endReportedBefore(NotifiableEvent event) {
        if (event instanceof RollbackRequestedEvent request && request.rollbackId() != null) {
            return rollbackOutcomes.endOf(request.service(), request.environment(), request.rollbackId());
        }
        return Optional.empty();
    }

    private Delivery pending(Subscription subscription, NotificationContent content, ObjectNode message,
                             OffsetDateTime now) {
        Delivery delivery = new Delivery();
        delivery.id = UUID.randomUUID().toString();
        delivery.subscriptionId = subscription.id;
        delivery.team = subscription.team;
        delivery.service = content.service();
        delivery.environment = content.environment();
        delivery.channelType = subscription.channelType;
        delivery.eventId = content.about().id();
        delivery.eventType = content.about().type();
        try {
            delivery.body = mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise the message for delivery " + delivery.id, e);
        }
        delivery.urgency = content.urgency().label();
        delivery.status = DeliveryStatus.PENDING;
        delivery.attempts = 0;
        delivery.nextAttemptAt = now;
        delivery.createdAt = now;
        return delivery;
    }
}
