package dev.lifeguard.deploy.executor.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.deploy.executor.ExecutionFailedException;
import dev.lifeguard.deploy.executor.InvalidExecutorSettingsException;
import dev.lifeguard.deploy.executor.RollbackExecutor.RollbackPlan;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reading a target's executor settings: each refusal names the setting it is about. */
public final class ExecutorSettings {

    private ExecutorSettings() {
    }

    /** Refuses any setting not in {@code known}: a typo must not silently fall back to a default. */
    public static void allowOnly(ObjectNode settings, Set<String> known) {
        for (Iterator<String> names = settings.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidExecutorSettingsException(name,
                        "unknown setting '" + name + "'; the settings are " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** The trimmed text of a setting, or null when absent or JSON null; refused when not a non-blank string. */
    public static String optionalText(ObjectNode settings, String name, int maxLength) {
        JsonNode value = settings.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidExecutorSettingsException(name, "setting '" + name + "' must be a non-empty string");
        }
        String text = value.asText().trim();
        if (text.length() > maxLength) {
            throw new InvalidExecutorSettingsException(name,
                    "setting '" + name + "' must be at most " + maxLength + " characters");
        }
        return text;
    }

    /** Like {@link #optionalText} and, when present, matching {@code pattern} ({@code rule} says how, for people). */
    public static String optionalMatching(ObjectNode settings, String name, Pattern pattern, String rule) {
        String text = optionalText(settings, name, 255);
        if (text != null && !pattern.matcher(text).matches()) {
            throw new InvalidExecutorSettingsException(name, "setting '" + name + "' must be " + rule);
        }
        return text;
    }

    /** A validated setting at execution time: its text, or null when the target did not set it. */
    public static String text(ObjectNode settings, String name) {
        JsonNode value = settings == null ? null : settings.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A plan without a version to go back to cannot be carried out (the caller skips those; this is a guard). */
    public static void requireStableVersion(RollbackPlan plan) {
        if (plan.toVersion() == null || plan.toVersion().isBlank()) {
            throw new ExecutionFailedException(
                    "rollback " + plan.rollbackId() + " names no stable version to go back to");
        }
    }
}
