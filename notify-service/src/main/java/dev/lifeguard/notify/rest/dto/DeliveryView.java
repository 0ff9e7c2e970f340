package dev.lifeguard.notify.rest.dto;

import dev.lifeguard.notify.Delivery;

import java.time.OffsetDateTime;

/** {@code eventId}/{@code eventType} name the event the notification is about. */
public record DeliveryView(String id, String subscriptionId, String team, String service, String environment,
                           String channelType, String eventId, String eventType, String status, int attempts,
                           String lastError, OffsetDateTime nextAttemptAt, OffsetDateTime createdAt,
                           OffsetDateTime deliveredAt) {

    public static DeliveryView of(Delivery delivery) {
        return new DeliveryView(delivery.id, delivery.subscriptionId, delivery.team, delivery.service,
                delivery.environment, delivery.channelType, delivery.eventId, delivery.eventType,
                delivery.status.name(), delivery.attempts, delivery.lastError, delivery.nextAttemptAt,
                delivery.createdAt, delivery.deliveredAt);
    }
}
