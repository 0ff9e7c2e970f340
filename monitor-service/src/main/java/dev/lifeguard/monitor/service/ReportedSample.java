package dev.lifeguard.monitor.service;

import java.time.OffsetDateTime;

/** A metric sample as sent over Kafka or REST; {@code timestamp} is null when the sender gave none. */
public record ReportedSample(String service, String environment, String version, String metric, double value,
                             OffsetDateTime timestamp) {
}
