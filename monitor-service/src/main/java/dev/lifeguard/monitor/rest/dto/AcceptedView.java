package dev.lifeguard.monitor.rest.dto;

/** Answer to {@code POST /api/v1/metrics}: how many samples were taken in. */
public record AcceptedView(int accepted) {
}
