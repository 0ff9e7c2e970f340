package dev.lifeguard.monitor.service;

import java.time.OffsetDateTime;

/**
 * A metric sample as sent over Kafka or REST; {@code timestamp} is null when the sender gave none, {@code source}
 * (the instance or scraper it comes from) when it has no such label. Samples a pull provider could not take carry
 * {@code error} instead of a value, with the {@code provider} and {@code query}.
 */
public record ReportedSample(String service, String environment, String version, String metric, Double value,
                             OffsetDateTime timestamp, String source, String provider, String query, String error) {

    public ReportedSample(String service, String environment, String version, String metric, double value,
                          OffsetDateTime timestamp) {
        this(service, environment, version, metric, value, timestamp, null, null, null, null);
    }

    public String target() {
        return service + "/" + environment;
    }
}
