package dev.lifeguard.notify.rest.dto;

import dev.lifeguard.notify.Subscription;
import dev.lifeguard.notify.channel.ChannelUrl;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

/** A subscription as shown over REST: the channel URL is masked, it may be a Slack secret. */
public record SubscriptionView(String id, String team, List<String> services, Channel channel,
                               OffsetDateTime createdAt) {

    public record Channel(String type, String url) {
    }

    public static SubscriptionView of(Subscription subscription) {
        return new SubscriptionView(subscription.id, subscription.team, List.copyOf(subscription.services),
                new Channel(subscription.channelType, new ChannelUrl(URI.create(subscription.channelUrl)).masked()),
                subscription.createdAt);
    }
}
