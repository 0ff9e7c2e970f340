package dev.lifeguard.monitor.service;

import java.time.OffsetDateTime;

/**
 * A metric sample as sent over Kafka or REST; {@code timestamp} is null when the sender gave none, {@code source}
 * (the instance or scraper it comes from) when it has no such label.
 */
public record ReportedSample(String service, String environment, String version, String metric, double value,
                             OffsetDateTime timestamp, String source) {

    public ReportedSample(String service, String environment, String version, String metric, double value,
                          OffsetDateTime timestamp) {
        this(service, environment, version, metric, value, timestamp, null);
    }
}
