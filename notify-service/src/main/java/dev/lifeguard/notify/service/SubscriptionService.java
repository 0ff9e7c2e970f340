package dev.lifeguard.notify.service;

import dev.lifeguard.notify.Subscription;
import dev.lifeguard.notify.channel.ChannelUrl;
import dev.lifeguard.notify.repository.DeliveryRepository;
import dev.lifeguard.notify.repository.SubscriptionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class SubscriptionService {

    private static final Logger LOG = Logger.getLogger(SubscriptionService.class);

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;

    public SubscriptionService(SubscriptionRepository subscriptions, DeliveryRepository deliveries) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
    }

    /** Arguments are already validated; {@code services} may hold {@link Subscription#ALL_SERVICES}. */
    @Transactional
    public Subscription subscribe(String team, List<String> services, String channelType, ChannelUrl url) {
        Subscription subscription = new Subscription();
        subscription.id = UUID.randomUUID().toString();
        subscription.team = team;
        subscription.services = new ArrayList<>(services);
        subscription.channelType = channelType;
        subscription.channelUrl = url.uri().toString();
        subscription.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        subscriptions.persist(subscription);
        LOG.infof("Subscription %s: team %s hears about %s on %s %s", subscription.id, team, services, channelType,
                url.masked());
        return subscription;
    }

    @Transactional
    public List<Subscription> list(String team) {
        return subscriptions.forTeam(team);
    }

    @Transactional
    public Optional<Subscription> find(String id) {
        return Optional.ofNullable(subscriptions.findById(id));
    }

    /** False when there was no such subscription. Its pending deliveries fail: they have nowhere to go. */
    @Transactional
    public boolean unsubscribe(String id) {
        Subscription subscription = subscriptions.findById(id);
        if (subscription == null) {
            return false;
        }
        subscriptions.delete(subscription);
        int cancelled = deliveries.failPendingOf(id, "subscription " + id + " was deleted before delivery");
        LOG.infof("Subscription %s deleted (%d pending deliveries failed)", id, cancelled);
        return true;
    }
}
