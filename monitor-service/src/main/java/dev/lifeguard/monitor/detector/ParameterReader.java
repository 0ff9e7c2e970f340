package dev.lifeguard.monitor.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.spec.InvalidSpecException;

import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads a detector's parameters out of a spec metric object, naming the offending field ({@code metrics[1].max})
 * when one is of the wrong type or out of range. Shared by the detectors so their messages read alike.
 */
public final class ParameterReader {

    private final ObjectNode metric;
    private final String path;

    public ParameterReader(ObjectNode metric, String path) {
        this.metric = metric;
        this.path = path;
    }

    public String field(String name) {
        return path == null || path.isEmpty() ? name : path + "." + name;
    }

    /** The number, or empty when the spec leaves it out (absent or JSON null). */
    public OptionalDouble optionalNumber(String name) {
        JsonNode node = metric == null ? null : metric.get(name);
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be a number, not " + describe(node));
        }
        double value = node.asDouble();
        if (!Double.isFinite(value)) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be a finite number");
        }
        return OptionalDouble.of(value);
    }

    /** A number within [min, max] (inclusive), or the default. */
    public double number(String name, double orElse, double min, double max) {
        OptionalDouble value = optionalNumber(name);
        if (value.isEmpty()) {
            return orElse;
        }
        double number = value.getAsDouble();
        if (number < min || number > max) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be " + range(min, max) + ", not " + format(number));
        }
        return number;
    }

    /** A whole number of at least {@code min}, or the default. */
    public int wholeNumber(String name, int orElse, int min) {
        OptionalDouble value = optionalNumber(name);
        if (value.isEmpty()) {
            return orElse;
        }
        double number = value.getAsDouble();
        if (number != Math.rint(number) || number > Integer.MAX_VALUE) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be a whole number, not " + format(number));
        }
        if (number < min) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be at least " + min + ", not " + format(number));
        }
        return (int) number;
    }

    /** One of the allowed words (case-insensitive, normalised to lower case), or the default. */
    public String choice(String name, String orElse, List<String> allowed) {
        JsonNode node = metric == null ? null : metric.get(name);
        if (node == null || node.isNull()) {
            return orElse;
        }
        if (!node.isTextual()) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be one of " + String.join(", ", allowed)
                    + ", not " + describe(node));
        }
        String word = node.asText().trim().toLowerCase();
        if (!allowed.contains(word)) {
            throw new InvalidSpecException(field(name), "field '" + field(name) + "' must be one of " + String.join(", ", allowed)
                    + ", not \"" + node.asText() + "\"");
        }
        return word;
    }

    /** A copy of the metric object the normalised parameters are written into (the other fields kept as they are). */
    public ObjectNode copy() {
        return metric == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : metric.deepCopy();
    }

    /** A number as people write it: {@code 0.05}, {@code 3}, {@code 1.25}. */
    public static String format(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A number rounded to a few significant digits, for reasons humans read. */
    public static String round(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String range(double min, double max) {
        if (max == Double.POSITIVE_INFINITY) {
            return "at least " + format(min);
        }
        return "between " + format(min) + " and " + format(max);
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? "\"" + node.asText() + "\"" : node.getNodeType().name().toLowerCase();
    }
}
