package dev.lifeguard.monitor.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.detector.MetricTrack;
import dev.lifeguard.monitor.detector.Observation;
import dev.lifeguard.monitor.detector.Outcome;
import dev.lifeguard.monitor.stream.AnalysisState;
import dev.lifeguard.support.audit.AuditEntry;
import dev.lifeguard.support.audit.AuditTrail;
import dev.lifeguard.support.event.CdEventBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.UUID;

/**
 * The events an analysis causes, as structured CloudEvents JSON: {@code incident.detected} when it fails and
 * {@code lifeguard-analysis.finished} when it ends, plus the internal progress snapshot the read model is built
 * from. Event and anomaly ids derive from the analysis id ({@link AnalysisState#analysisId()}: the deployment id, plus
 * the rollback's id when a rollback restored the deployment, or a rollout step's {@code <deploymentId>#<stepIndex>}):
 * an analysis replayed after a crash emits the very same
 * ids and every consumer recognises the repeat, while a deployment's analysis after a rollback gets ids of its own, so
 * both verdicts survive de-duplication downstream.
 */
@ApplicationScoped
public class AnalysisEvents {

    private final ObjectMapper mapper;
    private final String source;

    @Inject
    public AnalysisEvents(ObjectMapper mapper, dev.lifeguard.monitor.config.MonitorConfig config) {
        this(mapper, config.eventSource());
    }

    public AnalysisEvents(ObjectMapper mapper, String source) {
        this.mapper = mapper;
        this.source = source;
    }

    public static String anomalyId(String deploymentId) {
        return anomalyId(deploymentId, null);
    }

    /** {@code rollbackId}: null for the deployment's first analysis, the rollback's id for one after it restored it. */
    public static String anomalyId(String deploymentId, String rollbackId) {
        return anomalyIdOf(AnalysisState.analysisId(deploymentId, rollbackId));
    }

    public static String anomalyIdOf(String analysisId) {
        return derivedId("anomaly", analysisId);
    }

    public static String verdictEventId(String deploymentId) {
        return verdictEventId(deploymentId, null);
    }

    public static String verdictEventId(String deploymentId, String rollbackId) {
        return verdictEventIdOf(AnalysisState.analysisId(deploymentId, rollbackId));
    }

    public static String verdictEventIdOf(String analysisId) {
        return derivedId("analysis-finished", analysisId);
    }

    static String anomalyEventId(String analysisId) {
        return derivedId("incident-detected", analysisId);
    }

    private static String derivedId(String kind, String analysisId) {
        return UUID.nameUUIDFromBytes((kind + ":" + analysisId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The anomaly of a failed analysis; its evidence is the failing metric's. */
    public String anomalyDetected(String service, String environment, AnalysisState analysis, MetricTrack failing) {
        String key = service + "/" + environment;
        String description = description(service, environment, analysis, failing);
        ObjectNode content = mapper.createObjectNode();
        content.put("description", description);
        content.putObject("environment").put("id", environment);
        content.putObject("service").put("id", service);
        content.put("artifactId", analysis.artifactId);

        ObjectNode evidence = mapper.createObjectNode();
        evidence.put("anomalyId", analysis.anomalyId);
        evidence.put("deploymentId", analysis.deploymentId);
        evidence.put("service", service);
        evidence.put("environment", environment);
        evidence.put("version", analysis.version);
        if (analysis.reanalysis()) {
            evidence.put("rollbackId", analysis.rollbackId);
        }
        evidence.put("analysisId", analysis.analysisId());
        if (analysis.stepAnalysis()) {
            evidence.put("rolloutStep", analysis.rolloutStep);
            evidence.put("stableVersion", analysis.stableVersion);
        }
        evidence.put("rule", failing.reason);
        evidence.put("metric", failing.metric);
        evidence.put("detector", failing.detector);
        evidence.put("threshold", decisionBound(failing));
        if (failing.statistic != null) {
            evidence.put("statistic", failing.statistic);
        }
        if ("threshold".equals(failing.detector)) {
            evidence.put("consecutiveSamples", failing.evidence.size());
        }
        ArrayNode values = evidence.putArray("observedValues");
        failing.evidence.forEach(observation -> values.add(observation.value()));
        if (failing.evidence.isEmpty()) {
            values.add(failing.statistic != null ? failing.statistic : Double.NaN);
        }
        long first = failing.evidence.isEmpty() ? analysis.startedAt : failing.evidence.get(0).at();
        long last = failing.evidence.isEmpty() ? at(analysis) : failing.evidence.get(failing.evidence.size() - 1).at();
        evidence.put("firstSampleAt", Instant.ofEpochMilli(first).toString());
        evidence.put("lastSampleAt", Instant.ofEpochMilli(last).toString());
        evidence.put("analysisStartedAt", Instant.ofEpochMilli(analysis.startedAt).toString());

        return json(CdEventBuilder.event(EventTypes.INCIDENT_DETECTED)
                .id(anomalyEventId(analysis.analysisId()))
                .source(source)
                .chainId(analysis.chainId)
                .triggeredBy(analysis.eventId)
                .subjectId(analysis.anomalyId)
                .cloudEventSubject(key)
                .time(time(at(analysis)))
                .content(content)
                .customData(evidence)
                .build(mapper).toStructuredJson(mapper));
    }

    /** The verdict of an ended analysis. */
    public String analysisFinished(String service, String environment, AnalysisState analysis) {
        ObjectNode content = summary(service, environment, analysis, true);
        return json(CdEventBuilder.event(EventTypes.ANALYSIS_FINISHED)
                .id(verdictEventIdOf(analysis.analysisId()))
                .source(source)
                .chainId(analysis.chainId)
                .triggeredBy(analysis.anomalyId != null ? anomalyEventId(analysis.analysisId()) : analysis.eventId)
                .subjectId(analysis.deploymentId)
                .cloudEventSubject(service + "/" + environment)
                .time(time(at(analysis)))
                .content(content)
                .build(mapper).toStructuredJson(mapper));
    }

    /** The service name in audit entries and their actor, {@code service:monitor-service} (the Kafka key). */
    public static final String AUDIT_SERVICE = "monitor-service";
    public static final String AUDIT_ACTOR = "service:" + AUDIT_SERVICE;

    /**
     * The audit entry ({@code lifeguard-audit.recorded}) of an analysis that ended: action {@code analysis.ended} on
     * {@code <service>/<environment>}, outcome the verdict. Written by the engine in the same Kafka transaction as the
     * verdict, not through the outbox, so the engine stays exactly-once; its id derives from the analysis, so a
     * replayed analysis repeats the very same entry.
     */
    public String analysisEndedAudit(String service, String environment, AnalysisState analysis) {
        String target = service + "/" + environment;
        OffsetDateTime at = time(at(analysis));
        ObjectNode content = mapper.valueToTree(new AuditEntry(AUDIT_SERVICE, AUDIT_ACTOR, "service", Set.of(),
                Set.of(), "analysis.ended", target, analysis.outcome.wireName(), null,
                "analysis " + analysis.analysisId() + " of " + analysis.version + " ended by " + analysis.endedBy
                        + ": " + analysis.reason, null, at));
        content.put("at", at.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        String id = derivedId("audit-analysis-ended", analysis.analysisId());
        return json(CdEventBuilder.event(AuditTrail.EVENT_TYPE)
                .id(id)
                .source(source)
                .chainId(analysis.chainId != null ? analysis.chainId : id)
                .triggeredBy(verdictEventIdOf(analysis.analysisId()))
                .subjectId(target)
                .cloudEventSubject(AUDIT_SERVICE)
                .time(at)
                .content(content)
                .build(mapper).toStructuredJson(mapper));
    }

    /** Internal snapshot for the REST read model ({@code lifeguard.monitor.analysis-progress}); not a contract event. */
    public String progress(String service, String environment, AnalysisState analysis) {
        ObjectNode snapshot = summary(service, environment, analysis, false);
        snapshot.put("revision", analysis.revision);
        snapshot.put("chainId", analysis.chainId);
        snapshot.put("status", analysis.outcome.name());
        if (analysis.anomalyId != null) {
            MetricTrack failing = analysis.metrics.stream().filter(track -> track.outcome == Outcome.FAILED).findFirst()
                    .orElse(null);
            if (failing != null) {
                ObjectNode anomaly = snapshot.putObject("anomaly");
                anomaly.put("id", analysis.anomalyId);
                anomaly.put("eventId", anomalyEventId(analysis.analysisId()));
                anomaly.put("description", description(service, environment, analysis, failing));
                anomaly.put("rule", failing.reason);
                anomaly.put("metric", failing.metric);
                anomaly.put("detector", failing.detector);
                anomaly.put("threshold", decisionBound(failing));
                if (failing.statistic != null) {
                    anomaly.put("statistic", failing.statistic);
                }
                if ("threshold".equals(failing.detector)) {
                    anomaly.put("consecutiveSamples", failing.evidence.size());
                }
            }
        }
        return json(snapshot);
    }

    private ObjectNode summary(String service, String environment, AnalysisState analysis, boolean wireOutcome) {
        ObjectNode content = mapper.createObjectNode();
        content.put("service", service);
        content.put("environment", environment);
        content.put("deploymentId", analysis.deploymentId);
        content.put("analysisId", analysis.analysisId());
        if (analysis.reanalysis()) {
            content.put("rollbackId", analysis.rollbackId);
        }
        if (analysis.stepAnalysis()) {
            content.put("rolloutStep", analysis.rolloutStep);
        }
        content.put("version", analysis.version);
        content.put("stableVersion", analysis.stableVersion);
        if (wireOutcome) {
            content.put("outcome", analysis.outcome.wireName());
        }
        content.put("reason", analysis.reason != null ? analysis.reason : "running");
        if (analysis.endedBy != null) {
            content.put("endedBy", analysis.endedBy);
        }
        content.put("startedAt", Instant.ofEpochMilli(analysis.startedAt).toString());
        content.put("endsAt", Instant.ofEpochMilli(analysis.endsAt).toString());
        if (analysis.endedAt != null) {
            content.put("endedAt", Instant.ofEpochMilli(analysis.endedAt).toString());
        }
        content.put("samples", analysis.samples);
        content.put("anomalyId", analysis.anomalyId);
        ArrayNode metrics = content.putArray("metrics");
        for (MetricTrack track : analysis.metrics) {
            ObjectNode metric = metrics.addObject();
            metric.put("metric", track.metric);
            metric.put("provider", track.provider);
            metric.put("detector", track.detector);
            metric.put("samples", track.samples);
            metric.put("verdict", wireOutcome || track.outcome != Outcome.RUNNING
                    ? (track.outcome == Outcome.RUNNING ? Outcome.INCONCLUSIVE : track.outcome).wireName() : "running");
            if (track.statistic != null && Double.isFinite(track.statistic)) {
                metric.put("statistic", track.statistic);
            } else {
                metric.putNull("statistic");
            }
            metric.put("reason", track.reason);
            ArrayNode evidence = metric.putArray("evidence");
            for (Observation observation : track.evidence) {
                evidence.addObject().put("value", observation.value()).put("at", observation.instant().toString());
            }
            if (track.lastQuery != null) {
                metric.put("query", track.lastQuery);
            }
            if (track.lastError != null) {
                metric.put("lastError", track.lastError);
            }
            metric.put("providerErrors", track.providerErrors);
        }
        return content;
    }

    private static String description(String service, String environment, AnalysisState analysis, MetricTrack failing) {
        return failing.reason + " on " + service + " " + analysis.version + " in " + environment
                + (analysis.reanalysis() ? " after rollback " + analysis.rollbackId + " restored it"
                : analysis.stepAnalysis() ? " (canary beside " + analysis.stableVersion + ", rollout step "
                + analysis.rolloutStep + ")" : "");
    }

    /** The bound the failing detector compared its statistic with, for readers that expect a threshold. */
    private static double decisionBound(MetricTrack track) {
        return switch (track.detector) {
            case "threshold" -> track.parameters.hasNonNull("max") ? track.parameter("max", 0) : track.parameter("min", 0);
            case "canary" -> 1 - track.parameter("confidence", 0.98);
            case "cusum" -> track.parameter("h", 5);
            default -> track.statistic != null ? track.statistic : 0;
        };
    }

    private static long at(AnalysisState analysis) {
        return analysis.endedAt != null ? analysis.endedAt : analysis.startedAt;
    }

    private static OffsetDateTime time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
    }

    private String json(Object node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write an analysis event", e);
        }
    }
}
