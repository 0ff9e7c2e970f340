package dev.lifeguard.monitor.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeguard.monitor.Analysis;
import dev.lifeguard.monitor.Anomaly;
import dev.lifeguard.monitor.repository.AnalysisRepository;
import dev.lifeguard.monitor.repository.AnomalyRepository;
import dev.lifeguard.support.event.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds and serves the REST view of analyses and anomalies from the engine's progress snapshots. A snapshot is
 * taken only if it is newer than the stored one (its revision), so redeliveries, replays after a topic reset and
 * snapshots from two instances in any order converge on the newest.
 */
@ApplicationScoped
public class AnalysisReadModel {

    private final AnalysisRepository analyses;
    private final AnomalyRepository anomalies;
    private final ObjectMapper mapper;

    public AnalysisReadModel(AnalysisRepository analyses, AnomalyRepository anomalies, ObjectMapper mapper) {
        this.analyses = analyses;
        this.anomalies = anomalies;
        this.mapper = mapper;
    }

    @Transactional
    public void take(String snapshotJson) {
        JsonNode snapshot;
        try {
            snapshot = mapper.readTree(snapshotJson);
        } catch (IOException e) {
            throw new MalformedEventException("the analysis snapshot is not JSON: " + e.getMessage());
        }
        Analysis analysis = new Analysis();
        analysis.deploymentId = text(snapshot, "deploymentId");
        // snapshots of an engine older than analyses after rollbacks carry no analysis id: their deployment's first
        analysis.analysisId = snapshot.path("analysisId").isTextual() ? snapshot.get("analysisId").asText()
                : analysis.deploymentId;
        analysis.rollbackId = snapshot.path("rollbackId").isTextual() ? snapshot.get("rollbackId").asText() : null;
        analysis.rolloutStep = snapshot.path("rolloutStep").canConvertToInt() ? snapshot.get("rolloutStep").asInt() : null;
        analysis.service = text(snapshot, "service");
        analysis.environment = text(snapshot, "environment");
        analysis.version = text(snapshot, "version");
        analysis.stableVersion = snapshot.path("stableVersion").isTextual() ? snapshot.get("stableVersion").asText() : null;
        analysis.status = text(snapshot, "status");
        analysis.samples = snapshot.path("samples").asLong();
        analysis.startedAt = time(snapshot, "startedAt");
        analysis.endsAt = time(snapshot, "endsAt");
        analysis.endedAt = snapshot.hasNonNull("endedAt") ? time(snapshot, "endedAt") : null;
        analysis.endedBy = snapshot.path("endedBy").isTextual() ? snapshot.get("endedBy").asText() : null;
        analysis.reason = snapshot.path("reason").isTextual() ? truncate(snapshot.get("reason").asText(), 4000) : null;
        analysis.metrics = snapshot.path("metrics").toString();
        analysis.revision = snapshot.path("revision").asLong();
        analysis.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        if (analyses.takeSnapshot(analysis) && snapshot.hasNonNull("anomaly")) {
            recordAnomaly(analysis, snapshot);
        }
    }

    private void recordAnomaly(Analysis analysis, JsonNode snapshot) {
        JsonNode found = snapshot.get("anomaly");
        String id = text(found, "id");
        if (anomalies.findByIdOptional(id).isPresent()) {
            return;
        }
        Anomaly anomaly = new Anomaly();
        anomaly.id = id;
        anomaly.eventId = text(found, "eventId");
        anomaly.deploymentId = analysis.deploymentId;
        anomaly.analysisId = analysis.analysisId;
        anomaly.rolloutStep = analysis.rolloutStep;
        anomaly.service = analysis.service;
        anomaly.environment = analysis.environment;
        anomaly.version = analysis.version;
        anomaly.chainId = text(snapshot, "chainId");
        anomaly.description = truncate(text(found, "description"), 2000);
        anomaly.rule = truncate(text(found, "rule"), 500);
        anomaly.metric = text(found, "metric");
        anomaly.detector = found.path("detector").asText(null);
        anomaly.threshold = found.path("threshold").asDouble();
        anomaly.statistic = found.hasNonNull("statistic") ? found.get("statistic").asDouble() : null;
        anomaly.consecutiveSamples = found.hasNonNull("consecutiveSamples") ? found.get("consecutiveSamples").asInt() : null;
        JsonNode failing = null;
        for (JsonNode metric : snapshot.path("metrics")) {
            if (metric.path("metric").asText().equals(anomaly.metric)) {
                failing = metric;
            }
        }
        List<Double> values = new ArrayList<>();
        OffsetDateTime first = analysis.startedAt;
        OffsetDateTime last = analysis.endedAt != null ? analysis.endedAt : analysis.startedAt;
        if (failing != null && failing.path("evidence").size() > 0) {
            JsonNode evidence = failing.get("evidence");
            evidence.forEach(observation -> values.add(observation.path("value").asDouble()));
            first = OffsetDateTime.parse(evidence.get(0).path("at").asText());
            last = OffsetDateTime.parse(evidence.get(evidence.size() - 1).path("at").asText());
        } else if (anomaly.statistic != null) {
            values.add(anomaly.statistic);
        }
        anomaly.observedValues = values;
        anomaly.firstSampleAt = first;
        anomaly.lastSampleAt = last;
        anomaly.detectedAt = analysis.endedAt != null ? analysis.endedAt : analysis.updatedAt;
        anomalies.persist(anomaly);
    }

    @Transactional
    public Optional<Analysis> latest(String service, String environment) {
        return analyses.latest(service, environment);
    }

    @Transactional
    public List<Analysis> search(String service, String environment, String status, int limit) {
        return analyses.search(service, environment, status, limit);
    }

    @Transactional
    public List<Anomaly> anomalies(String service, String environment) {
        return anomalies.search(service, environment);
    }

    @Transactional
    public Optional<Anomaly> anomaly(String id) {
        return anomalies.findByIdOptional(id);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new MalformedEventException("analysis snapshot without '" + field + "'");
        }
        return value.asText();
    }

    private static OffsetDateTime time(JsonNode node, String field) {
        try {
            return OffsetDateTime.parse(text(node, field));
        } catch (java.time.DateTimeException e) {
            throw new MalformedEventException("analysis snapshot field '" + field + "' is not a date-time");
        }
    }

    private static String truncate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
