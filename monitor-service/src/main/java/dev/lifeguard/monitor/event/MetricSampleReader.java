package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.service.ReportedSample;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the metric-sample contract (contracts/events/schemas/metric-sample.json): one sample object or a
 * non-empty array of them, for both the metrics topic and {@code POST /api/v1/metrics}. All or nothing:
 * one bad sample rejects the whole record, naming it like {@code [2].value}. Unknown fields are ignored on the topic
 * (a newer producer's additions do not dead-letter its samples) and refused over REST ({@link #readStrict}).
 */
@ApplicationScoped
public class MetricSampleReader {

    private final ObjectMapper mapper;

    public MetricSampleReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The fields a sample may have: the contract's, and a pull provider's report of a failed measurement. */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("service", "environment", "version", "metric",
            "value", "timestamp", "source", "instance", "provider", "query", "error");

    /** {@link #read(String, Instant)}, refusing a field no sample has (REST: no mass assignment), naming it. */
    public List<ReportedSample> readStrict(String json, Instant notAfter) {
        List<ReportedSample> samples = read(json, notAfter);
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidSampleException(null, "the input is not JSON: " + e.getOriginalMessage());
        }
        if (tree.isObject()) {
            refuseUnknown(tree, "");
        } else {
            for (int i = 0; i < tree.size(); i++) {
                refuseUnknown(tree.get(i), "[" + i + "].");
            }
        }
        return samples;
    }

    private static void refuseUnknown(JsonNode sample, String prefix) {
        for (java.util.Iterator<String> names = sample.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidSampleException(prefix + name, "unknown field '" + prefix + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
    }

    /** Also refuses timestamps later than {@code notAfter} (a clock far ahead, or a unit mistake). */
    public List<ReportedSample> read(String json, Instant notAfter) {
        List<ReportedSample> samples = read(json);
        for (int i = 0; i < samples.size(); i++) {
            OffsetDateTime timestamp = samples.get(i).timestamp();
            if (timestamp != null && timestamp.toInstant().isAfter(notAfter)) {
                String field = (samples.size() == 1 && !json.stripLeading().startsWith("[") ? "" : "[" + i + "].") + "timestamp";
                throw new InvalidSampleException(field, "field '" + field + "' lies in the future: " + timestamp
                        + " is later than " + notAfter + " (clock skew allowed)");
            }
        }
        return samples;
    }

    public List<ReportedSample> read(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidSampleException(null, "no samples: the input is empty");
        }
        try {
            return read(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            throw new InvalidSampleException(null, "the input is not JSON: " + e.getOriginalMessage());
        }
    }

    public List<ReportedSample> read(JsonNode json) {
        if (json != null && json.isObject()) {
            return List.of(sample(json, ""));
        }
        if (json == null || !json.isArray() || json.isEmpty()) {
            throw new InvalidSampleException(null, "expected a metric sample object or a non-empty array of them");
        }
        List<ReportedSample> samples = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonNode element = json.get(i);
            String prefix = "[" + i + "]";
            if (!element.isObject()) {
                throw new InvalidSampleException(prefix, "'" + prefix + "' must be a metric sample object");
            }
            samples.add(sample(element, prefix + "."));
        }
        return samples;
    }

    private static ReportedSample sample(JsonNode sample, String prefix) {
        String service = text(sample, prefix, "service", 100);
        String environment = text(sample, prefix, "environment", 100);
        String version = text(sample, prefix, "version", 200);
        String metric = text(sample, prefix, "metric", 200);
        String provider = optionalText(sample, prefix, "provider", 100);
        String query = optionalText(sample, prefix, "query", 2000);
        // A pull provider's report that it could not measure: counted toward inconclusive, never judged as a value.
        String error = sample.has("value") ? null : optionalText(sample, prefix, "error", 2000);
        if (error != null && provider == null) {
            throw new InvalidSampleException(prefix + "provider",
                    "field '" + prefix + "provider' is required when '" + prefix + "error' reports a failed measurement");
        }
        return new ReportedSample(service, environment, version, metric, error != null ? null : value(sample, prefix),
                timestamp(sample, prefix), source(sample, prefix), provider, query, error);
    }

    private static String optionalText(JsonNode sample, String prefix, String name, int maxLength) {
        JsonNode node = sample.get(name);
        return node == null || node.isNull() ? null : text(sample, prefix, name, maxLength);
    }

    /** {@code source}, or Prometheus' {@code instance} label; optional. */
    private static String source(JsonNode sample, String prefix) {
        String field = sample.hasNonNull("source") ? "source" : "instance";
        JsonNode node = sample.get(field);
        return node == null || node.isNull() ? null : text(sample, prefix, field, 200);
    }

    private static String text(JsonNode sample, String prefix, String name, int maxLength) {
        JsonNode node = sample.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidSampleException(prefix + name, "field '" + prefix + name + "' is required");
        }
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > maxLength) {
            throw new InvalidSampleException(prefix + name,
                    "field '" + prefix + name + "' must be a non-empty string of at most " + maxLength + " characters");
        }
        return node.asText().trim();
    }

    private static double value(JsonNode sample, String prefix) {
        JsonNode node = sample.get("value");
        if (node == null || node.isNull()) {
            throw new InvalidSampleException(prefix + "value", "field '" + prefix + "value' is required");
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw new InvalidSampleException(prefix + "value", "field '" + prefix + "value' must be a number but was "
                    + (node.isTextual() ? "the string " + node : node.getNodeType().name().toLowerCase()));
        }
        return node.asDouble();
    }

    private static OffsetDateTime timestamp(JsonNode sample, String prefix) {
        JsonNode node = sample.get("timestamp");
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return OffsetDateTime.parse(node.asText());
            }
        } catch (DateTimeParseException e) {
            // reported below, like a non-string timestamp
        }
        throw new InvalidSampleException(prefix + "timestamp",
                "field '" + prefix + "timestamp' must be an RFC 3339 date-time like 2026-11-26T10:01:00Z but was " + node);
    }
}
