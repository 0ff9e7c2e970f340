package dev.lifeguard.monitor.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeguard.monitor.AnalysisSpec;
import dev.lifeguard.monitor.config.MonitorConfig;
import dev.lifeguard.monitor.event.EventTypes;
import dev.lifeguard.monitor.repository.AnalysisSpecRepository;
import dev.lifeguard.monitor.spec.AnalysisPlan;
import dev.lifeguard.monitor.spec.SpecReader;
import dev.lifeguard.support.event.CdEventBuilder;
import dev.lifeguard.support.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Analysis specs per target. The database is the source of truth; each change also goes, through the outbox in the
 * same transaction, to the compacted specs topic every engine instance reads. A change applies to the next analysis.
 */
@ApplicationScoped
public class AnalysisSpecService {

    private final AnalysisSpecRepository specs;
    private final SpecReader reader;
    private final Outbox outbox;
    private final MonitorConfig config;
    private final ObjectMapper mapper;

    public AnalysisSpecService(AnalysisSpecRepository specs, SpecReader reader, Outbox outbox, MonitorConfig config,
                               ObjectMapper mapper) {
        this.specs = specs;
        this.reader = reader;
        this.outbox = outbox;
        this.config = config;
        this.mapper = mapper;
    }

    /**
     * A target's spec as it applies: its own, or the default. {@code team} owns the target's own spec (null: the
     * platform's, and always for the default).
     */
    public record EffectiveSpec(String service, String environment, ObjectNode spec, boolean isDefault,
                                OffsetDateTime updatedAt, String team) {
    }

    /**
     * Who may change a spec: called, under the row's lock, with the team of the spec the change replaces or deletes
     * (only when the target has one of its own); throws to refuse.
     */
    @FunctionalInterface
    public interface ManageCheck {
        void requireCanManage(String owningTeam);
    }

    /**
     * Validates (InvalidSpecException names the field), normalises and stores, owned by {@code team}; returns the
     * normalised spec. {@code check} sees the replaced spec's team under its lock first, then {@code assignCheck}
     * runs (may the caller give the spec {@code team}).
     */
    @Transactional
    public EffectiveSpec put(String service, String environment, JsonNode body, String team, ManageCheck check,
                             Runnable assignCheck) {
        AnalysisPlan plan = reader.read(body);
        ObjectNode normalised = reader.toJson(plan);
        AnalysisSpec.Target target = new AnalysisSpec.Target(service, environment);
        AnalysisSpec spec = specs.findById(target, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (spec != null) {
            check.requireCanManage(spec.team);
        }
        assignCheck.run();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        if (spec == null) {
            spec = new AnalysisSpec();
            spec.target = target;
            spec.body = normalised.toString();
            spec.updatedAt = now;
            spec.team = team;
            specs.persist(spec);
        } else if (!spec.body.equals(normalised.toString())) {
            spec.body = normalised.toString();
            spec.updatedAt = now;
            spec.team = team;
        } else {
            if (!java.util.Objects.equals(spec.team, team)) {
                // only the owner changed: the engine's copy stays as it is
                spec.team = team;
                spec.updatedAt = now;
            }
            return new EffectiveSpec(service, environment, normalised, false, spec.updatedAt, spec.team);
        }
        publish(service, environment, normalised, now);
        return new EffectiveSpec(service, environment, normalised, false, now, team);
    }

    /** True when there was a spec to delete; the target falls back to the default spec. */
    @Transactional
    public boolean delete(String service, String environment, ManageCheck check) {
        AnalysisSpec spec = specs.findById(new AnalysisSpec.Target(service, environment),
                jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (spec == null) {
            return false;
        }
        check.requireCanManage(spec.team);
        specs.delete(spec);
        publish(service, environment, null, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
        return true;
    }

    @Transactional
    public EffectiveSpec get(String service, String environment) {
        Optional<AnalysisSpec> own = specs.findByIdOptional(new AnalysisSpec.Target(service, environment));
        return own.map(this::effective).orElseGet(() ->
                new EffectiveSpec(service, environment, reader.toJson(reader.defaultPlan()), true, null, null));
    }

    @Transactional
    public List<EffectiveSpec> list() {
        return specs.all().stream().map(this::effective).toList();
    }

    private EffectiveSpec effective(AnalysisSpec spec) {
        try {
            return new EffectiveSpec(spec.target.service, spec.target.environment,
                    (ObjectNode) mapper.readTree(spec.body), false, spec.updatedAt, spec.team);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish(String service, String environment, ObjectNode spec, OffsetDateTime at) {
        ObjectNode data = mapper.createObjectNode();
        data.put("service", service);
        data.put("environment", environment);
        data.set("spec", spec == null ? mapper.nullNode() : spec);
        String key = service + "/" + environment;
        String id = UUID.randomUUID().toString();
        outbox.enqueue(config.specsTopic(), key, CdEventBuilder.event(EventTypes.ANALYSIS_SPEC_CHANGED)
                .id(id)
                .source(config.eventSource())
                .chainId(id)
                .subjectId(key)
                .cloudEventSubject(key)
                .time(at)
                .content(mapper.createObjectNode())
                .customData(data)
                .build(mapper));
    }
}
