package dev.lifeguard.monitor.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.Analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * An analysis as the API shows it. {@code samples}: samples of the new version taken into it; {@code metrics}: per
 * metric its detector, samples, statistic, verdict, reason and evidence.
 */
public record AnalysisView(String deploymentId, String service, String environment, String version,
                           String stableVersion, String status, long samples, Instant startedAt, Instant endsAt,
                           Instant endedAt, String endedBy, JsonNode metrics, String reason) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static AnalysisView of(Analysis analysis) {
        try {
            return new AnalysisView(analysis.deploymentId, analysis.service, analysis.environment, analysis.version,
                    analysis.stableVersion, analysis.status, analysis.samples, analysis.startedAt.toInstant(),
                    analysis.endsAt.toInstant(), analysis.endedAt == null ? null : analysis.endedAt.toInstant(),
                    analysis.endedBy, MAPPER.readTree(analysis.metrics), analysis.reason);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
