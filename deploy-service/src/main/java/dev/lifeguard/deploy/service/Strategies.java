package dev.lifeguard.deploy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rollout strategies: parsed from what people write (Argo-style durations such as {@code 5m}, or ISO-8601) into the
 * normalised JSON deploy-service stores and publishes, and read back as the steps a rollout runs.
 */
public final class Strategies {

    public static final String ALL_AT_ONCE = "all-at-once";
    public static final String CANARY = "canary";
    public static final String BLUE_GREEN = "blue-green";

    /** One step of a rollout: set-weight (weight), pause (duration, null = wait for promote), preview (blue-green). */
    public record StepSpec(String kind, int weight, Duration duration) {
        public static final String SET_WEIGHT = "set-weight";
        public static final String PAUSE = "pause";
        public static final String PREVIEW = "preview";
    }

    /** The strategy is invalid; {@code field} names the offending input, e.g. {@code strategy.steps[2].setWeight}. */
    public static class InvalidStrategyException extends RuntimeException {
        private final String field;

        public InvalidStrategyException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private static final Pattern ARGO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Strategies() {
    }

    public static ObjectNode allAtOnce() {
        return NODES.objectNode().put("type", ALL_AT_ONCE);
    }

    /**
     * Checks a strategy and returns it normalised.
     *
     * @param field the name of the input, e.g. {@code strategy} or {@code redeployStrategy}
     * @throws InvalidStrategyException naming the offending field
     */
    public static ObjectNode parse(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw new InvalidStrategyException(field, "field '" + field + "' must be an object such as {\"type\":\"canary\","
                    + "\"steps\":[{\"setWeight\":10},{\"pause\":\"5m\"},{\"setWeight\":100}]}");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidStrategyException(field + ".type", "field '" + field + ".type' is required: all-at-once, canary"
                    + " or blue-green");
        }
        return switch (type.asText()) {
            case ALL_AT_ONCE -> {
                onlyFields(node, field, Set.of("type"));
                yield allAtOnce();
            }
            case CANARY -> canary(node, field);
            case BLUE_GREEN -> blueGreen(node, field);
            default -> throw new InvalidStrategyException(field + ".type", "field '" + field + ".type' must be all-at-once,"
                    + " canary or blue-green, not '" + type.asText() + "'");
        };
    }

    private static ObjectNode canary(JsonNode node, String field) {
        onlyFields(node, field, Set.of("type", "steps"));
        JsonNode steps = node.get("steps");
        String stepsField = field + ".steps";
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new InvalidStrategyException(stepsField, "field '" + stepsField + "' must be a non-empty array of"
                    + " {\"setWeight\": 1-100} and {\"pause\": \"5m\" | null} steps");
        }
        if (steps.size() > 50) {
            throw new InvalidStrategyException(stepsField, "field '" + stepsField + "' may have at most 50 steps");
        }
        ArrayNode normalised = NODES.arrayNode();
        int lastWeight = 0;
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String stepField = stepsField + "[" + i + "]";
            if (!step.isObject() || step.size() != 1) {
                throw new InvalidStrategyException(stepField, "field '" + stepField + "' must be one of {\"setWeight\": n}"
                        + " or {\"pause\": duration}");
            }
            if (step.has("setWeight")) {
                JsonNode weight = step.get("setWeight");
                String weightField = stepField + ".setWeight";
                if (!weight.canConvertToInt() || !weight.isIntegralNumber() || weight.asInt() < 1 || weight.asInt() > 100) {
                    throw new InvalidStrategyException(weightField, "field '" + weightField + "' must be an integer 1-100");
                }
                if (weight.asInt() <= lastWeight) {
                    throw new InvalidStrategyException(weightField, "field '" + weightField + "' must be above the previous"
                            + " weight " + lastWeight + " (weights only grow)");
                }
                lastWeight = weight.asInt();
                normalised.addObject().put("setWeight", lastWeight);
            } else if (step.has("pause")) {
                JsonNode pause = step.get("pause");
                String pauseField = stepField + ".pause";
                if (pause.isObject()) {
                    onlyFields(pause, pauseField, Set.of("duration"));
                    pause = pause.get("duration");
                    pauseField = pauseField + ".duration";
                }
                Duration duration = pause == null || pause.isNull() ? null : duration(pause, pauseField);
                normalised.addObject().put("pause", duration == null ? null : duration.toString());
            } else {
                String name = step.fieldNames().next();
                throw new InvalidStrategyException(stepField + "." + name, "field '" + stepField + "." + name
                        + "' is not a step: use setWeight or pause");
            }
        }
        ObjectNode strategy = NODES.objectNode().put("type", CANARY);
        strategy.set("steps", normalised);
        return strategy;
    }

    private static ObjectNode blueGreen(JsonNode node, String field) {
        onlyFields(node, field, Set.of("type", "autoPromote", "previewAnalysis"));
        JsonNode autoPromote = node.get("autoPromote");
        if (autoPromote != null && !autoPromote.isBoolean()) {
            throw new InvalidStrategyException(field + ".autoPromote", "field '" + field + ".autoPromote' must be true or false");
        }
        JsonNode preview = node.get("previewAnalysis");
        Duration window = preview == null || preview.isNull() ? null : duration(preview, field + ".previewAnalysis");
        ObjectNode strategy = NODES.objectNode().put("type", BLUE_GREEN)
                .put("autoPromote", autoPromote == null || autoPromote.asBoolean());
        strategy.put("previewAnalysis", window == null ? null : window.toString());
        return strategy;
    }

    /** {@code 5m}, {@code 30s}, {@code 1h30m} or ISO-8601 ({@code PT5M}); positive, at most a day. */
    static Duration duration(JsonNode node, String field) {
        String text = node.isTextual() ? node.asText().trim() : "";
        Duration duration = null;
        Matcher argo = ARGO_DURATION.matcher(text);
        if (!text.isEmpty() && argo.matches()) {
            duration = Duration.ofHours(number(argo.group(1))).plusMinutes(number(argo.group(2)))
                    .plusSeconds(number(argo.group(3)));
        } else if (text.toUpperCase().startsWith("P")) {
            try {
                duration = Duration.parse(text.toUpperCase());
            } catch (DateTimeParseException e) {
                duration = null;
            }
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidStrategyException(field, "field '" + field + "' must be a duration such as \"30s\", \"5m\","
                    + " \"1h\" or \"PT5M\" (more than zero, at most a day)");
        }
        return duration;
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static void onlyFields(JsonNode node, String field, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidStrategyException(field + "." + name, "field '" + field + "." + name + "' is not known"
                        + " here; allowed: " + String.join(", ", allowed));
            }
        }
    }

    public static String type(ObjectNode strategy) {
        return strategy.path("type").asText(ALL_AT_ONCE);
    }

    public static boolean progressive(ObjectNode strategy) {
        return !ALL_AT_ONCE.equals(type(strategy));
    }

    /** The steps a rollout of the strategy runs. Blue-green: preview, then its analysis (a pause). */
    public static List<StepSpec> steps(ObjectNode strategy) {
        List<StepSpec> steps = new ArrayList<>();
        switch (type(strategy)) {
            case CANARY -> strategy.path("steps").forEach(step -> {
                if (step.has("setWeight")) {
                    steps.add(new StepSpec(StepSpec.SET_WEIGHT, step.get("setWeight").asInt(), null));
                } else {
                    steps.add(new StepSpec(StepSpec.PAUSE, 0, isoOrNull(step.get("pause"))));
                }
            });
            case BLUE_GREEN -> {
                steps.add(new StepSpec(StepSpec.PREVIEW, 0, null));
                steps.add(new StepSpec(StepSpec.PAUSE, 0, isoOrNull(strategy.get("previewAnalysis"))));
            }
            default -> {
            }
        }
        return steps;
    }

    private static Duration isoOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : Duration.parse(node.asText());
    }

    public static ObjectNode read(String json) {
        if (json == null) {
            return allAtOnce();
        }
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored strategy is not a JSON object: " + json, e);
        }
    }
}
