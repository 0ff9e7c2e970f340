package dev.lifeguard.monitor.repository;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Stores a short list of numbers as comma-separated text; {@link Double#toString} round-trips exactly. */
@Converter
public class DoubleListConverter implements AttributeConverter<List<Double>, String> {

    @Override
    public String convertToDatabaseColumn(List<Double> values) {
        return values == null ? null : values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Override
    public List<Double> convertToEntityAttribute(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(Double::valueOf).toList();
    }
}
