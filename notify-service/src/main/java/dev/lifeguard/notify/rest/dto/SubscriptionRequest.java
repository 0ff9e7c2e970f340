package dev.lifeguard.notify.rest.dto;

import java.util.List;

/** Body of {@code POST /api/v1/subscriptions}; {@code services} may be {@code ["*"]} for all. */
public record SubscriptionRequest(String team, List<String> services, Channel channel) {

    /** {@code type} is {@code slack} or {@code webhook}. */
    public record Channel(String type, String url) {
    }
}
