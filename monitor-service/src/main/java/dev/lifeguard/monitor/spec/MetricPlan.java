package dev.lifeguard.monitor.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One analysed metric: where its samples come from ({@code provider}, with a {@code query} for pull providers) and
 * which detector judges it with which parameters (normalised: defaults filled in).
 */
public record MetricPlan(String metric, String provider, String query, String detector, ObjectNode parameters) {
}
