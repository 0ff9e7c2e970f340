package dev.lifeguard.monitor.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.Analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * An analysis as the API shows it. {@code samples}: samples of the new version taken into it; {@code metrics}: per
 * metric its detector, samples, statistic, verdict, reason and evidence. {@code rollbackId} is set on the analysis of
 * a deployment that a rollback restored ({@code analysisId} is then {@code <deploymentId>@<rollbackId>});
 * {@code rolloutStep} on the analysis of a rollout step ({@code analysisId} is then {@code <deploymentId>#<stepIndex>}).
 */
public record AnalysisView(String analysisId, String deploymentId, String rollbackId, Integer rolloutStep, String service,
                           String environment, String version, String stableVersion, String status, long samples,
                           Instant startedAt, Instant endsAt, Instant endedAt, String endedBy, JsonNode metrics,
                           String reason) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static AnalysisView of(Analysis analysis) {
        try {
            return new AnalysisView(analysis.analysisId, analysis.deploymentId, analysis.rollbackId, analysis.rolloutStep,
                    analysis.service,
                    analysis.environment, analysis.version, analysis.stableVersion, analysis.status, analysis.samples, analysis.startedAt.toInstant(),
                    analysis.endsAt.toInstant(), analysis.endedAt == null ? null : analysis.endedAt.toInstant(),
                    analysis.endedBy, MAPPER.readTree(analysis.metrics), analysis.reason);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
