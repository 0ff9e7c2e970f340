package dev.lifeguard.postmortem.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeguard.postmortem.TimelineKind;
import dev.lifeguard.support.event.CdEvent;
import dev.lifeguard.support.event.MalformedEventException;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** monitor-service's {@code incident.detected} with its evidence (customData). */
public record AnomalyDetected(String anomalyId, String version, String description, String rule, String metric,
                              Double threshold, List<Double> observedValues, OffsetDateTime firstSampleAt,
                              OffsetDateTime lastSampleAt) implements EventDetails {

    static AnomalyDetected from(CdEvent event) {
        JsonNode custom = event.customData();
        String anomalyId = CdEvent.textOrNull(custom.get("anomalyId"));
        JsonNode threshold = custom.path("threshold");
        return new AnomalyDetected(
                anomalyId != null ? anomalyId : CdEvent.textOrNull(event.subject().get("id")),
                CdEvent.requiredText(event.document(), "/customData/version"),
                CdEvent.textOrNull(event.content().get("description")),
                CdEvent.textOrNull(custom.get("rule")),
                CdEvent.textOrNull(custom.get("metric")),
                threshold.isNumber() ? threshold.doubleValue() : null,
                numbers(custom.path("observedValues")),
                time(custom, "firstSampleAt"),
                time(custom, "lastSampleAt"));
    }

    /** "0.21, 0.34, 0.4", or null when the evidence has no values. */
    public String observedValuesText() {
        return observedValues.isEmpty() ? null
                : observedValues.stream().map(AnomalyDetected::number).collect(Collectors.joining(", "));
    }

    /** A number as people write it: 0.05, not 0.050000000000000003 or 5.0E-2. */
    public static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Override
    public TimelineKind kind() {
        return TimelineKind.ANOMALY;
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isNumber()) {
                throw new MalformedEventException("field '/customData/observedValues' must hold numbers only");
            }
            values.add(value.doubleValue());
        }
        return List.copyOf(values);
    }

    private static OffsetDateTime time(JsonNode custom, String field) {
        String text = CdEvent.textOrNull(custom.get(field));
        try {
            return text == null ? null : OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("field '/customData/" + field + "' is not an RFC 3339 timestamp: '"
                    + text + "'", e);
        }
    }
}
