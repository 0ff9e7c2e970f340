package dev.lifeguard.monitor.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.detector.Detector;
import dev.lifeguard.monitor.provider.MetricProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads and checks analysis specs, for REST (errors name the field) and for the engine. Detectors and providers
 * check their own fields; this class checks the frame: {@code window}, {@code interval}, {@code minSamples},
 * {@code inconclusiveLimit} and that each metric names a known provider and detector.
 */
@ApplicationScoped
public class SpecReader {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_WINDOW = Duration.ofDays(7);
    static final int MAX_METRICS = 20;
    static final int MAX_INTERVALS = 2_000;

    private final ObjectMapper mapper;
    private final Map<String, Detector> detectors;
    private final Map<String, MetricProvider> providers;
    private final MonitorConfig config;
    private volatile AnalysisPlan defaultPlan;

    @Inject
    public SpecReader(ObjectMapper mapper, @Any Instance<Detector> detectors, @Any Instance<MetricProvider> providers,
                      MonitorConfig config) {
        this(mapper, detectors.stream().toList(), providers.stream().toList(), config);
    }

    public SpecReader(ObjectMapper mapper, List<Detector> detectors, List<MetricProvider> providers, MonitorConfig config) {
        this.mapper = mapper;
        this.detectors = detectors.stream().collect(Collectors.toMap(Detector::name, Function.identity(), (a, b) -> a, TreeMap::new));
        this.providers = providers.stream().collect(Collectors.toMap(MetricProvider::name, Function.identity(), (a, b) -> a, TreeMap::new));
        this.config = config;
    }

    /** The spec of targets that have none of their own ({@code lifeguard.monitor.default-spec}). */
    public AnalysisPlan defaultPlan() {
        AnalysisPlan plan = defaultPlan;
        if (plan == null) {
            plan = read(config.defaultSpec());
            defaultPlan = plan;
        }
        return plan;
    }

    public Detector detector(String name) {
        Detector detector = detectors.get(name);
        if (detector == null) {
            throw new IllegalStateException("no detector named '" + name + "'");
        }
        return detector;
    }

    public MetricProvider provider(String name) {
        MetricProvider provider = providers.get(name);
        if (provider == null) {
            throw new IllegalStateException("no metric provider named '" + name + "'");
        }
        return provider;
    }

    /** The fields of a spec, and those every metric object may have besides its detector's parameters. */
    static final Set<String> SPEC_FIELDS = Set.of("window", "interval", "minSamples", "inconclusiveLimit", "metrics");
    static final Set<String> METRIC_FIELDS = Set.of("metric", "provider", "query", "detector");

    /**
     * Refuses fields a spec from a REST client may not have (no mass assignment), naming the first: at the top, and
     * in each metric object (the common fields and its detector's parameters). Only for REST: the engine reads what
     * was stored, leniently.
     */
    public void refuseUnknownFields(JsonNode spec) {
        if (spec == null || !spec.isObject()) {
            return;
        }
        refuseUnknown(spec, SPEC_FIELDS, "");
        JsonNode metrics = spec.get("metrics");
        if (metrics == null || !metrics.isArray()) {
            return;
        }
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode metric = metrics.get(i);
            if (!metric.isObject()) {
                continue;
            }
            Detector detector = metric.path("detector").isTextual() ? detectors.get(metric.path("detector").asText().trim())
                    : null;
            if (detector == null) {
                continue; // read() says which detectors there are
            }
            Set<String> known = new HashSet<>(METRIC_FIELDS);
            known.addAll(detector.parameterNames());
            refuseUnknown(metric, known, "metrics[" + i + "].");
        }
    }

    private static void refuseUnknown(JsonNode object, Set<String> known, String prefix) {
        for (java.util.Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidSpecException(prefix + name, "unknown field '" + prefix + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    public AnalysisPlan read(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException(null, "the spec is not JSON: " + e.getOriginalMessage());
        }
        return read(node);
    }

    public AnalysisPlan read(JsonNode spec) {
        if (spec == null || !spec.isObject()) {
            throw new InvalidSpecException(null, "the spec must be a JSON object with 'window', 'metrics' and optionally "
                    + "'interval', 'minSamples', 'inconclusiveLimit'");
        }
        Duration window = duration(spec, "window", null);
        if (window.compareTo(MIN_INTERVAL) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new InvalidSpecException("window", "field 'window' must be between 1s and 7d but was " + SpecDurations.format(window));
        }
        Duration interval = duration(spec, "interval", Duration.ofMinutes(1).compareTo(window) <= 0 ? Duration.ofMinutes(1) : window);
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(window) > 0) {
            throw new InvalidSpecException("interval", "field 'interval' must be at least 1s and at most the window ("
                    + SpecDurations.format(window) + ") but was " + SpecDurations.format(interval));
        }
        if (window.toMillis() / interval.toMillis() > MAX_INTERVALS) {
            throw new InvalidSpecException("interval", "field 'interval' splits the window into more than " + MAX_INTERVALS
                    + " intervals; choose a longer interval");
        }
        int minSamples = integer(spec, "minSamples", 1, 1, 1_000_000);
        int inconclusiveLimit = integer(spec, "inconclusiveLimit", 3, 0, 1_000_000);
        JsonNode metrics = spec.get("metrics");
        if (metrics == null || !metrics.isArray() || metrics.isEmpty()) {
            throw new InvalidSpecException("metrics", "field 'metrics' must be a non-empty array of metric objects");
        }
        if (metrics.size() > MAX_METRICS) {
            throw new InvalidSpecException("metrics", "field 'metrics' holds " + metrics.size() + " metrics; at most "
                    + MAX_METRICS + " are allowed");
        }
        List<MetricPlan> plans = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < metrics.size(); i++) {
            String path = "metrics[" + i + "]";
            JsonNode metric = metrics.get(i);
            if (!metric.isObject()) {
                throw new InvalidSpecException(path, "'" + path + "' must be an object");
            }
            MetricPlan plan = metric((ObjectNode) metric, path);
            if (!names.add(plan.metric())) {
                throw new InvalidSpecException(path + ".metric", "field '" + path + ".metric' names '" + plan.metric()
                        + "', which an earlier metric of the spec already analyses");
            }
            plans.add(plan);
        }
        return new AnalysisPlan(window, interval, minSamples, inconclusiveLimit, plans);
    }

    /** The plan as JSON, normalised: what GET returns and what the engine receives. */
    public ObjectNode toJson(AnalysisPlan plan) {
        ObjectNode spec = mapper.createObjectNode();
        spec.put("window", SpecDurations.format(plan.window()));
        spec.put("interval", SpecDurations.format(plan.interval()));
        spec.put("minSamples", plan.minSamples());
        spec.put("inconclusiveLimit", plan.inconclusiveLimit());
        ArrayNode metrics = spec.putArray("metrics");
        for (MetricPlan metric : plan.metrics()) {
            ObjectNode node = metrics.addObject();
            node.put("metric", metric.metric());
            node.put("provider", metric.provider());
            if (metric.query() != null) {
                node.put("query", metric.query());
            }
            node.put("detector", metric.detector());
            metric.parameters().fields().forEachRemaining(field -> node.set(field.getKey(), field.getValue()));
        }
        return spec;
    }

    private MetricPlan metric(ObjectNode metric, String path) {
        String name = text(metric, path + ".metric", true);
        if (name.length() > 200) {
            throw new InvalidSpecException(path + ".metric", "field '" + path + ".metric' is longer than 200 characters");
        }
        String providerName = metric.hasNonNull("provider") ? text(metric, path + ".provider", true) : "stream";
        MetricProvider provider = providers.get(providerName);
        if (provider == null) {
            throw new InvalidSpecException(path + ".provider", "field '" + path + ".provider' must be one of "
                    + providers.keySet() + " but was '" + providerName + "'");
        }
        provider.validate(metric, path);
        String detectorName = text(metric, path + ".detector", true);
        Detector detector = detectors.get(detectorName);
        if (detector == null) {
            throw new InvalidSpecException(path + ".detector", "field '" + path + ".detector' must be one of "
                    + detectors.keySet() + " but was '" + detectorName + "'");
        }
        ObjectNode parameters = detector.parameters(metric, path);
        String query = metric.hasNonNull("query") ? metric.get("query").asText() : null;
        return new MetricPlan(name, providerName, query, detectorName, parameters);
    }

    private static String text(JsonNode node, String field, boolean required) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidSpecException(field, "field '" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidSpecException(field, "field '" + field + "' must be a non-empty string");
        }
        return value.asText().trim();
    }

    private static Duration duration(JsonNode spec, String field, Duration orElse) {
        JsonNode value = spec.get(field);
        if (value == null || value.isNull()) {
            if (orElse == null) {
                throw new InvalidSpecException(field, "field '" + field + "' is required (a duration like 30m)");
            }
            return orElse;
        }
        if (!value.isTextual()) {
            throw new InvalidSpecException(field, "field '" + field + "' must be a duration string like 10m or PT10M");
        }
        return SpecDurations.parse(value.asText(), field);
    }

    private static int integer(JsonNode spec, String field, int orElse, int min, int max) {
        JsonNode value = spec.get(field);
        if (value == null || value.isNull()) {
            return orElse;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw new InvalidSpecException(field, "field '" + field + "' must be an integer from " + min + " to " + max
                    + " but was " + value);
        }
        return value.asInt();
    }
}
